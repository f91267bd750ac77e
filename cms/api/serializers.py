"""Shapes of the content API. Output serializers read already-fetched objects (the
selectors prefetch everything), so serializing a page of results runs no queries of
its own."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from wagtail.rich_text import expand_db_html

from cms.blocks import CODE_LANGUAGE_VALUES, LESSON_BODY_BLOCK_TYPES, image_api_representation
from cms.models import CourseLevel
from learning.accounts.api.serializers import StaffUserSummarySerializer, UserSummarySerializer
from site_config.api import serializers as api
from site_config.api.ids import IdField

# --- small shared pieces ------------------------------------------------------------


class RenditionSerializer(api.Serializer):
    url = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class ImageOutSerializer(api.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    renditions = serializers.DictField(child=RenditionSerializer(), help_text="thumbnail, medium, large")


class PageRefSerializer(api.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()


class StarterFileSerializer(api.Serializer):
    name = serializers.CharField(max_length=100)
    language = serializers.ChoiceField(choices=CODE_LANGUAGE_VALUES)
    content = serializers.CharField(allow_blank=True, required=False, default="", trim_whitespace=False)


class BlockSerializer(api.Serializer):
    type = serializers.ChoiceField(choices=LESSON_BODY_BLOCK_TYPES)
    id = serializers.CharField(required=False)
    value = serializers.JSONField(
        help_text="rich_text: HTML string; heading: {text, level}; code: {language, code, caption}; "
        "callout: {kind, title, text(HTML)}; image: {image{id,title,width,height,renditions}, alt, caption}; "
        "video: {url, embed_url, title, caption}; "
        "attachment: {document{id,title,filename,extension,url}, title} (the url carries a token signed "
        "for the caller, valid DOCUMENT_URL_MAX_AGE seconds)"
    )


# --- learner: catalog, course, lesson ---------------------------------------------------


class CourseCardSerializer(api.Serializer):
    """One course in the catalog."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    summary = serializers.CharField()
    level = serializers.ChoiceField(choices=CourseLevel.choices)
    tags = serializers.SerializerMethodField()
    cover_image = serializers.SerializerMethodField()
    estimated_hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    last_published_at = serializers.DateTimeField()

    def get_tags(self, course) -> list[str]:
        return sorted(tag.name for tag in course.tags.all())

    @extend_schema_field(ImageOutSerializer(allow_null=True))
    def get_cover_image(self, course):
        return image_api_representation(course.cover_image)


class OutlineLessonSerializer(api.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    required = serializers.BooleanField()
    estimated_minutes = serializers.IntegerField()
    has_starter_files = serializers.SerializerMethodField(
        help_text="True when the lesson gives the learner starter files (see the lesson's `starter_files`)."
    )

    def get_has_starter_files(self, lesson) -> bool:
        return len(lesson.starter_code) > 0


class OutlineQuizSerializer(api.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    # a plain string (not an enum): the outline's kinds of page may grow (recordings...)
    kind = serializers.CharField(help_text="`quiz` (learner API: /api/v1/quizzes/{id}/).")


class OutlineModuleSerializer(api.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    summary = serializers.CharField()
    lessons = OutlineLessonSerializer(many=True)
    quizzes = OutlineQuizSerializer(many=True, help_text="The module's published quizzes, in tree order.")


class CourseDetailSerializer(CourseCardSerializer):
    """A course with its whole outline (modules and their lessons, in tree order)."""

    prerequisites = serializers.SerializerMethodField()
    owners = UserSummarySerializer(many=True, source="owners.all")
    modules = OutlineModuleSerializer(many=True, source="outline_modules")
    lesson_count = serializers.IntegerField(
        help_text="Published lessons of the course, required and optional (the outline's lessons)."
    )
    required_lesson_count = serializers.IntegerField(
        help_text="Of those, the required ones: what progress and completion count "
        "(progress's `required_lesson_count`)."
    )
    total_minutes = serializers.IntegerField(
        help_text="Sum of estimated_minutes over the published lessons, required and optional."
    )

    def get_prerequisites(self, course) -> str:
        return expand_db_html(course.prerequisites) if course.prerequisites else ""


class LessonDetailSerializer(api.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    course = PageRefSerializer()
    module = PageRefSerializer()
    required = serializers.BooleanField()
    estimated_minutes = serializers.IntegerField()
    body = BlockSerializer(many=True, help_text="The lesson body as StreamField blocks, rendered to JSON.")
    starter_files = StarterFileSerializer(many=True)
    previous = PageRefSerializer(allow_null=True)
    next = PageRefSerializer(allow_null=True)
    last_published_at = serializers.DateTimeField(allow_null=True)


# --- preview -----------------------------------------------------------------------------


class PreviewSerializer(api.Serializer):
    content_type = serializers.CharField(help_text="e.g. cms.lessonpage")
    id = serializers.IntegerField(allow_null=True, help_text="null for a page not saved yet")
    title = serializers.CharField()
    slug = serializers.CharField(allow_blank=True)
    fields = serializers.DictField(
        help_text="The type's own fields as in the learner API: lesson → body (blocks), starter_files, "
        "required, estimated_minutes, challenges (the lesson's saved challenges as learners get them from "
        "/api/v1/lessons/{id}/challenges/: visible tests only, hidden ones counted); course → summary, "
        "level, tags, estimated_hours, prerequisites, cover_image; module → summary."
    )


# --- moderation ----------------------------------------------------------------------------


class ModerationItemSerializer(api.Serializer):
    id = serializers.IntegerField(help_text="The review task's id (use it to approve or reject).")
    page = serializers.DictField(help_text="{id, title, type, live}")
    workflow = serializers.CharField()
    task = serializers.CharField()
    status = serializers.CharField()
    revision_id = serializers.IntegerField(allow_null=True)
    submitted_by = StaffUserSummarySerializer(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField()


class ModerationActionSerializer(api.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class ModerationRejectSerializer(api.Serializer):
    comment = serializers.CharField(max_length=5000, help_text="What the author must change.")


# --- authoring ----------------------------------------------------------------------------


class AuthoringPageSerializer(api.Serializer):
    """Any page as an editor sees it: the latest revision (draft) and its status."""

    id = serializers.IntegerField()
    type = serializers.CharField()
    title = serializers.CharField()
    slug = serializers.CharField()
    parent = serializers.IntegerField(allow_null=True)
    live = serializers.BooleanField()
    has_unpublished_changes = serializers.BooleanField()
    status = serializers.CharField(
        help_text="draft, live, live + draft, in review, changes requested, scheduled…"
    )
    workflow_status = serializers.CharField(allow_null=True)
    latest_revision_id = serializers.IntegerField(allow_null=True)
    latest_revision_created_at = serializers.DateTimeField(allow_null=True)
    go_live_at = serializers.DateTimeField(allow_null=True)
    fields = serializers.DictField(help_text="The type's own fields (draft values).")


class CourseImportResultSerializer(AuthoringPageSerializer):
    warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text="What the import accepted but you may want to fix, e.g. a challenge whose starter "
        "code already passes every test.",
    )


class _WriteBase(api.Serializer):
    slug = serializers.SlugField(required=False, max_length=255)
    submit = serializers.BooleanField(
        required=False, default=False, help_text="Also submit the new draft to the Course review workflow."
    )


class CourseWriteSerializer(_WriteBase):
    title = serializers.CharField(max_length=255)
    summary = serializers.CharField(max_length=1000, help_text="One or two sentences for the catalog.")
    level = serializers.ChoiceField(choices=CourseLevel.choices, required=False)
    estimated_hours = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0, required=False)
    prerequisites = serializers.CharField(required=False, allow_blank=True, help_text="HTML (sanitized)")
    tags = serializers.ListField(child=serializers.CharField(max_length=100), required=False, max_length=20)
    cover_image = IdField(required=False, allow_null=True, help_text="A Wagtail image id")


class ModuleWriteSerializer(_WriteBase):
    parent = IdField(help_text="The course (page id) this module belongs to.")
    title = serializers.CharField(max_length=255)
    summary = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class LessonWriteSerializer(_WriteBase):
    parent = IdField(help_text="The module (page id) this lesson belongs to.")
    title = serializers.CharField(max_length=255)
    body = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text='Blocks: [{"type": "rich_text", "value": "<p>…</p>"}, …]',
    )
    starter_files = StarterFileSerializer(many=True, required=False)
    required = serializers.BooleanField(required=False)
    estimated_minutes = serializers.IntegerField(min_value=1, max_value=600, required=False)


class OwnersSerializer(api.Serializer):
    owners = serializers.ListField(child=IdField(), max_length=50, help_text="User ids (teachers)")


class SubmitSerializer(api.Serializer):
    include_descendants = serializers.BooleanField(required=False, default=False)


class PublishSerializer(api.Serializer):
    include_descendants = serializers.BooleanField(required=False, default=False)
    go_live_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Schedule instead of publishing now (ISO 8601, future)."
    )


class UnpublishSerializer(api.Serializer):
    include_descendants = serializers.BooleanField(required=False, default=True)


class SubmitResultSerializer(api.Serializer):
    submitted = serializers.ListField(child=serializers.IntegerField(), help_text="Page ids now in review")


class UploadSerializer(api.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(max_length=255, required=False)


class MediaOutSerializer(api.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(required=False)
    details = serializers.DictField()
