from rest_framework import serializers

from site_config.api.ids import IdField
from site_config.api.serializers import Serializer


class QuestionImportSerializer(Serializer):
    file = serializers.FileField(help_text="A GIFT (.gift, .txt) or Moodle XML (.xml) file.")
    format = serializers.ChoiceField(
        choices=[("gift", "GIFT"), ("moodle_xml", "Moodle XML")],
        required=False,
        help_text="Default: from the file's extension (.xml: moodle_xml, else gift).",
    )
    course_id = IdField(
        required=False,
        allow_null=True,
        help_text="The course whose bank gets the questions; empty: the site-wide bank (admins).",
    )
    dry_run = serializers.BooleanField(default=False, help_text="Parse, map and validate; write nothing.")


class ImportedQuestionRowSerializer(Serializer):
    index = serializers.IntegerField(
        read_only=True, help_text="1-based position of the question in the file."
    )
    name = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(
        choices=[("created", "created"), ("updated", "updated"), ("invalid", "invalid")], read_only=True
    )
    question_id = serializers.IntegerField(read_only=True, allow_null=True)
    question_type = serializers.CharField(read_only=True)
    dropped = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Parts of the source that were not imported."
    )
    errors = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Why the bank refused it (status invalid)."
    )


class NotMappedQuestionSerializer(Serializer):
    index = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    source_type = serializers.CharField(
        read_only=True, help_text="The type in the file (essay, matching, ...)."
    )
    code = serializers.CharField(
        read_only=True, help_text="not_mappable, no_correct_option, too_few_options, ..."
    )
    detail = serializers.CharField(read_only=True)


class QuestionImportReportSerializer(Serializer):
    format = serializers.CharField(read_only=True)
    dry_run = serializers.BooleanField(read_only=True)
    created_count = serializers.IntegerField(read_only=True, help_text="Questions created.")
    updated_count = serializers.IntegerField(read_only=True, help_text="Questions updated (same import key).")
    invalid_count = serializers.IntegerField(
        read_only=True, help_text="Questions the bank refused (see their errors)."
    )
    not_mapped_count = serializers.IntegerField(
        read_only=True, help_text="Questions of types the bank cannot hold."
    )
    questions = ImportedQuestionRowSerializer(many=True, read_only=True)
    not_mapped = NotMappedQuestionSerializer(many=True, read_only=True)
