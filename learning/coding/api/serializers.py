"""Input and output shapes of the coding API."""

from __future__ import annotations

import re

from django.conf import settings
from rest_framework import serializers

from ..sandbox.protocol import STATUSES, SUPPORTED_LANGUAGES

FILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}(/[A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}){0,3}$")


def validate_text(value: str, *, what: str) -> str:
    """Text only: no NUL and no other C0 control character but tab, newline, CR."""
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise serializers.ValidationError(
            f"{what} must be text (it contains control characters).", code="binary"
        )
    return value


class SourceFileSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=400, help_text="e.g. `main.js`; letters, digits, `_.-/`.")
    content = serializers.CharField(allow_blank=True, trim_whitespace=False)
    language = serializers.CharField(required=False, allow_blank=True, max_length=30)

    def validate_name(self, value):
        if not FILE_NAME.match(value) or ".." in value:
            raise serializers.ValidationError("Not a valid file name.", code="invalid_name")
        return value

    def validate_content(self, value):
        return validate_text(value, what="File content")


class CodeRunInputSerializer(serializers.Serializer):
    language = serializers.CharField(max_length=30, help_text=f"One of: {', '.join(SUPPORTED_LANGUAGES)}.")
    source = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    files = SourceFileSerializer(many=True, required=False)
    stdin = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, default="")

    def validate_language(self, value):
        if value not in SUPPORTED_LANGUAGES:
            raise serializers.ValidationError(
                f"Unsupported language '{value[:30]}'. Supported: {', '.join(SUPPORTED_LANGUAGES)}.",
                code="unsupported_language",
            )
        return value

    def validate_source(self, value):
        return validate_text(value, what="The source")

    def validate_stdin(self, value):
        if len(value.encode()) > settings.SANDBOX_MAX_STDIN_BYTES:
            raise serializers.ValidationError(
                f"stdin is larger than {settings.SANDBOX_MAX_STDIN_BYTES} bytes.", code="too_large"
            )
        return validate_text(value, what="stdin")

    def validate_files(self, value):
        if not value:
            raise serializers.ValidationError("Give at least one file.", code="empty")
        if len(value) > settings.SANDBOX_MAX_FILES:
            raise serializers.ValidationError(f"At most {settings.SANDBOX_MAX_FILES} files.", code="too_many")
        names = [f["name"] for f in value]
        if len(set(names)) != len(names):
            raise serializers.ValidationError("File names must be unique.", code="duplicate")
        return value

    def validate(self, attrs):
        has_source = "source" in attrs
        has_files = "files" in attrs
        if has_source == has_files:
            raise serializers.ValidationError(
                {
                    "source": serializers.ErrorDetail(
                        "Give either `source` or `files`, not both.", code="invalid"
                    )
                }
            )
        files = attrs.get("files") or [
            {"name": "main.js", "content": attrs.get("source", ""), "language": ""}
        ]
        total = sum(len(f["content"].encode()) for f in files)
        if total > settings.SANDBOX_MAX_SOURCE_BYTES:
            field = "source" if has_source else "files"
            raise serializers.ValidationError(
                {
                    field: serializers.ErrorDetail(
                        f"The code is {total} bytes; the limit is {settings.SANDBOX_MAX_SOURCE_BYTES}.",
                        code="too_large",
                    )
                }
            )
        from ..services import SourceFile, runnable_files

        runnable = runnable_files(
            language=attrs["language"],
            files=[SourceFile(f["name"], f["content"], f.get("language") or "") for f in files],
        )
        if not runnable:
            raise serializers.ValidationError(
                {
                    "files": serializers.ErrorDetail(
                        "No file of this language to run.", code="no_runnable_file"
                    )
                }
            )
        attrs["files"] = files
        return attrs


class OutputEntrySerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["log", "info", "warn", "error"])
    text = serializers.CharField()


class RunErrorSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="e.g. TypeError, SyntaxError, Timeout, MemoryLimit, OutputLimit")
    message = serializers.CharField(allow_blank=True)
    file = serializers.CharField(allow_null=True)
    line = serializers.IntegerField(allow_null=True)
    column = serializers.IntegerField(allow_null=True)


class CodeRunResultSerializer(serializers.Serializer):
    language = serializers.CharField()
    status = serializers.ChoiceField(choices=list(STATUSES))
    stdout = OutputEntrySerializer(many=True, help_text="console output in order, with its level")
    output_truncated = serializers.BooleanField()
    error = RunErrorSerializer(allow_null=True)
    wall_ms = serializers.FloatField(help_text="time the program ran inside its isolate")
