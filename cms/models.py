"""The content tree: CourseIndexPage > CoursePage > ModulePage > LessonPage.

Courses, modules and lessons are Wagtail pages so authors get the editor, revisions,
scheduled publishing and moderation workflows for free
(https://docs.wagtail.org/en/stable/topics/pages.html). Order is the page tree's order
(authors drag pages in the explorer); draft/published is Wagtail's own `live` flag and
revision history, never a second field that could disagree.

Pages are headless (https://github.com/torchbox/wagtail-headless-preview): "Preview" in
the editor opens the front end with a signed token, and visiting a page's URL on the
backend redirects to the front end.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail_headless_preview.models import HeadlessMixin

from .blocks import GlossaryBlock, LessonBodyBlock, StarterCodeBlock
from .permissions import CoursePermissionTester


class CourseTreePermissionsMixin:
    """Teachers get editor rights only inside courses they own (see cms.permissions)."""

    def permissions_for_user(self, user):
        return CoursePermissionTester(user, self)


class CourseIndexPage(HeadlessMixin, Page):
    """The catalog root: every course lives under it (one per site)."""

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.CoursePage"]
    max_count = 1


class CourseLevel(models.TextChoices):
    BEGINNER = "beginner", "Beginner"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class CourseTag(TaggedItemBase):
    """Through model for course tags: a ParentalKey so tags are part of the page's
    revision (https://docs.wagtail.org/en/stable/reference/pages/model_recipes.html#tagging)."""

    content_object = ParentalKey("cms.CoursePage", on_delete=models.CASCADE, related_name="tagged_items")


class CoursePage(CourseTreePermissionsMixin, HeadlessMixin, Page):
    """A course: what the catalog lists. Its modules are its child pages.

    `owners` are the teachers who may edit it; the service that sets them also grants
    each a django-guardian object permission (`cms.change_coursepage`), and the Wagtail
    permission policy (cms.permissions) limits teachers to courses they own.
    """

    summary = models.TextField(max_length=1000, help_text="One or two sentences for the catalog.")
    level = models.CharField(max_length=20, choices=CourseLevel.choices, default=CourseLevel.BEGINNER)
    tags = ClusterTaggableManager(through=CourseTag, blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    estimated_hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
        help_text="Rough time to finish the whole course, in hours.",
    )
    prerequisites = RichTextField(
        blank=True,
        features=["bold", "italic", "link", "ul", "ol"],
        help_text="What a learner should know first.",
    )
    owners = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="owned_courses",
        limit_choices_to={"groups__name": "teacher"},
        help_text="Teachers who may edit this course.",
    )
    glossary = StreamField(
        GlossaryBlock(),
        blank=True,
        help_text="Terms the course uses, with a short definition each: the tutor explains them.",
    )

    parent_page_types = ["cms.CourseIndexPage"]
    subpage_types = ["cms.ModulePage"]

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("level"), FieldPanel("tags"), FieldPanel("estimated_hours")], heading="Catalog"
        ),
        FieldPanel("cover_image"),
        FieldPanel("prerequisites"),
        FieldPanel("glossary"),
        # Only admins assign owners; for a teacher the panel is read-only (see permission policy).
        FieldPanel("owners", permission="cms.assign_course_owners"),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("level"),
    ]

    api_fields = [
        APIField("summary"),
        APIField("level"),
        APIField("tags"),
        APIField("cover_image"),
        APIField("estimated_hours"),
        APIField("prerequisites"),
    ]

    class Meta:
        permissions = [("assign_course_owners", "Can choose the teachers who own a course")]

    def __str__(self):
        return self.title

    def with_content_json(self, content):
        """Owners are an access rule, not content: restoring or publishing a revision
        keeps the owners the database has now (set by cms.services.course_owners_set)
        instead of the ones frozen in the revision."""
        obj = super().with_content_json(content)
        if self.pk:
            from django.contrib.auth import get_user_model

            through = type(self).owners.through.objects.filter(coursepage_id=self.pk)
            obj.owners = list(get_user_model().objects.filter(pk__in=through.values("user_id")))
        return obj


class ModulePage(CourseTreePermissionsMixin, HeadlessMixin, Page):
    """A chapter of a course; its lessons are its child pages, in tree order."""

    summary = models.TextField(max_length=1000, blank=True)

    parent_page_types = ["cms.CoursePage"]
    subpage_types = ["cms.LessonPage", "assessments.QuizPage"]

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    api_fields = [APIField("summary")]


class LessonPage(CourseTreePermissionsMixin, HeadlessMixin, Page):
    """One lesson: a body of blocks to read and, for coding lessons, the files the
    learner starts from in the code sandbox.

    `required` lessons count toward course completion (learner progress relies on it).
    """

    body = StreamField(LessonBodyBlock(), blank=True)
    starter_code = StreamField(
        StarterCodeBlock(),
        blank=True,
        help_text="Files the learner starts with in the code editor (e.g. index.html, style.css, script.js).",
    )
    required = models.BooleanField(default=True, help_text="Counts toward course completion.")
    estimated_minutes = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )

    parent_page_types = ["cms.ModulePage"]
    subpage_types: list[str] = []

    content_panels = [
        *Page.content_panels,
        FieldPanel("body"),
        FieldPanel("starter_code", heading="Starter files"),
        MultiFieldPanel([FieldPanel("required"), FieldPanel("estimated_minutes")], heading="Progress"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    api_fields = [
        APIField("body"),
        # the same name and shape as the learner API's lesson (`starter_files()`)
        APIField("starter_files"),
        APIField("required"),
        APIField("estimated_minutes"),
    ]

    def starter_files(self) -> list[dict]:
        """The starter code as plain dicts: `[{"name", "language", "content"}]`, in the
        author's order. The code sandbox and progress use this, not the StreamField."""
        return [
            {
                "name": child.value["name"],
                "language": child.value["language"],
                "content": child.value.get("content") or "",
            }
            for child in self.starter_code
            if child.block_type == "file"
        ]


class ContentVersion(models.Model):
    """The content cache's version tokens when there is no Redis (cms.content_cache).

    Cached learner responses are keyed by a token per course and one for the catalog;
    a publish replaces the token, so old entries are never read again. With REDIS_URL
    the tokens live in Redis (no query on a cache hit); without it they live here, so
    that every process of the embedded default (the web server and the job worker that
    runs scheduled publishing) sees a bump at once: a per-process local-memory token
    could not be bumped by another process."""

    scope = models.CharField(max_length=64, unique=True, help_text="catalog, or course:<id>")
    token = models.CharField(max_length=32)

    def __str__(self):
        return f"{self.scope}={self.token}"
