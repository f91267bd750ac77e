"""Projects API serializers: input (strict: unknown keys are a 400) and output shapes."""

from __future__ import annotations

from rest_framework import serializers

from site_config.api import serializers as api
from site_config.api.ids import IdField

VERSION_HELP = "The project version this change is based on; a stale one is a 409 `version_conflict`."


class ProjectFileSerializer(api.Serializer):
    path = serializers.CharField(help_text="Relative, `/`-separated, NFC (docs/projects.md: paths).")
    content = serializers.CharField(allow_blank=True, trim_whitespace=False)


class ProjectListItemSerializer(api.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    template_id = serializers.IntegerField(allow_null=True)
    course_id = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField()
    total_bytes = serializers.IntegerField(help_text="Bytes of text in all the project's files (UTF-8).")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    taken_down_at = serializers.DateTimeField(
        allow_null=True,
        help_text="Set when a moderator took the project down: its share links answer 410 `taken_down` "
        "(docs/moderation.md); it stays yours here.",
    )
    takedown_reason = serializers.CharField(
        help_text="Why it was taken down: a reason code of docs/moderation.md (empty when not taken down)."
    )


class ProjectSerializer(ProjectListItemSerializer):
    files = ProjectFileSerializer(many=True)
    folders = serializers.ListField(child=serializers.CharField(), help_text="Empty folders.")


class ProjectCreateSerializer(api.Serializer):
    title = serializers.CharField(max_length=200)
    template_id = IdField(required=False, allow_null=True, help_text="Start from this template's files.")


class ProjectRenameSerializer(api.Serializer):
    title = serializers.CharField(max_length=200)
    version = serializers.IntegerField(min_value=0, help_text=VERSION_HELP)


class FileWriteSerializer(api.Serializer):
    path = serializers.CharField(max_length=1000, trim_whitespace=False)
    content = serializers.CharField(allow_blank=True, trim_whitespace=False)
    version = serializers.IntegerField(min_value=0, help_text=VERSION_HELP)


class PathSerializer(api.Serializer):
    path = serializers.CharField(max_length=1000, trim_whitespace=False)
    version = serializers.IntegerField(min_value=0, help_text=VERSION_HELP)


class MoveSerializer(PathSerializer):
    new_path = serializers.CharField(max_length=1000, trim_whitespace=False)


class VersionSerializer(api.Serializer):
    version = serializers.IntegerField(min_value=0, help_text=VERSION_HELP)


class ProjectConflictSerializer(api.Serializer):
    type = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField())
    current_version = serializers.IntegerField()


class SavePointCreateSerializer(api.Serializer):
    name = serializers.CharField(max_length=100)


class SavePointSerializer(api.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    project_version = serializers.IntegerField(help_text="The project version it copies.")
    total_bytes = serializers.IntegerField(help_text="Bytes of text in the copied files.")
    created_at = serializers.DateTimeField()


class ShareCreateSerializer(api.Serializer):
    expires_in_hours = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Default PROJECT_SHARE_DEFAULT_HOURS; at most PROJECT_SHARE_MAX_HOURS.",
    )


class ShareLinkSerializer(api.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    state = serializers.CharField(help_text="`live`, `expired` or `revoked`.")


class ShareLinkCreatedSerializer(ShareLinkSerializer):
    token = serializers.CharField(help_text="Shown once: only its hash is stored.")
    url = serializers.CharField(help_text="The shared project, read-only, as JSON.")
    site_url = serializers.CharField(help_text="The shared project's site (its index.html), sandboxed.")


class PreviewLinkSerializer(api.Serializer):
    url = serializers.CharField(
        help_text="The project's index.html on the preview origin; the token is in the path."
    )
    expires_at = serializers.DateTimeField()


class SharedProjectSerializer(api.Serializer):
    title = serializers.CharField()
    files = ProjectFileSerializer(many=True)
    folders = serializers.ListField(child=serializers.CharField())
    updated_at = serializers.DateTimeField()
    site_url = serializers.CharField()


class ProjectTemplateSerializer(api.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    course_id = serializers.IntegerField(allow_null=True)


class ProjectImportSerializer(api.Serializer):
    file = serializers.FileField(help_text="A zip of text files (PROJECT_ZIP_MAX_BYTES at most).")
    title = serializers.CharField(max_length=200)
