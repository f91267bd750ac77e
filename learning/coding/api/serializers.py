"""Input and output shapes of the coding API."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from learning.accounts.api.serializers import StaffUserSummarySerializer
from site_config.api import serializers as api
from site_config.api.ids import IdField

from ..rules import (
    TEST_OUTCOMES,
    challenge_test_problem,
    challenge_tests_problem,
    file_language,
    is_file_name,
    is_text,
    learner_results,
    learner_wall_ms,
    staff_results,
)
from ..sandbox.protocol import STATUSES, SUPPORTED_LANGUAGES


def validate_text(value: str, *, what: str) -> str:
    """Text only (rules.is_text)."""
    if not is_text(value):
        raise serializers.ValidationError(
            f"{what} must be text (it contains control characters).", code="binary"
        )
    return value


class SourceFileSerializer(api.Serializer):
    name = serializers.CharField(max_length=400, help_text="e.g. `main.js`; letters, digits, `_.-/`.")
    content = serializers.CharField(allow_blank=True, trim_whitespace=False)
    language = serializers.CharField(required=False, allow_blank=True, max_length=30)

    def validate_name(self, value):
        if not is_file_name(value):
            raise serializers.ValidationError("Not a valid file name.", code="invalid_name")
        return value

    def validate_content(self, value):
        return validate_text(value, what="File content")


class CodeInputSerializer(api.Serializer):
    """Learner code, as `source` (one script) or `files`, never both; the same rules
    (text only, file count and names, total size) for runs and challenge submissions."""

    source = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    files = SourceFileSerializer(many=True, required=False)

    def validate_source(self, value):
        return validate_text(value, what="The source")

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
        if has_source == ("files" in attrs):
            raise serializers.ValidationError(
                {
                    "source": serializers.ErrorDetail(
                        "Give either `source` or `files`, not both.", code="invalid"
                    )
                }
            )
        # Every file says its language: the one given, else its extension's (`source`
        # is `main.js`, JavaScript), so what is stored and echoed is never blank.
        files = [
            {**f, "language": file_language(f["name"], f.get("language") or "")}
            for f in attrs.get("files") or [{"name": "main.js", "content": attrs.get("source", "")}]
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
        attrs["files"] = files
        return attrs


class CodeRunInputSerializer(CodeInputSerializer):
    language = serializers.CharField(max_length=30, help_text=f"One of: {', '.join(SUPPORTED_LANGUAGES)}.")
    stdin = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, default="")

    def validate_language(self, value):
        if value not in SUPPORTED_LANGUAGES:
            raise serializers.ValidationError(
                f"Unsupported language '{value[:30]}'. Supported: {', '.join(SUPPORTED_LANGUAGES)}.",
                code="unsupported_language",
            )
        return value

    def validate_stdin(self, value):
        if len(value.encode()) > settings.SANDBOX_MAX_STDIN_BYTES:
            raise serializers.ValidationError(
                f"stdin is larger than {settings.SANDBOX_MAX_STDIN_BYTES} bytes.", code="too_large"
            )
        return validate_text(value, what="stdin")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        from ..services import SourceFile, runnable_files

        runnable = runnable_files(
            language=attrs["language"],
            files=[SourceFile(f["name"], f["content"], f.get("language") or "") for f in attrs["files"]],
        )
        if not runnable:
            raise serializers.ValidationError(
                {
                    "files": serializers.ErrorDetail(
                        "No file of this language to run.", code="no_runnable_file"
                    )
                }
            )
        return attrs


class OutputEntrySerializer(api.Serializer):
    level = serializers.ChoiceField(choices=["log", "info", "warn", "error"])
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)


class RunErrorSerializer(api.Serializer):
    name = serializers.CharField(help_text="e.g. TypeError, SyntaxError, Timeout, MemoryLimit, OutputLimit")
    message = serializers.CharField(allow_blank=True)
    file = serializers.CharField(allow_null=True)
    line = serializers.IntegerField(allow_null=True)
    column = serializers.IntegerField(allow_null=True)


class CodeRunResultSerializer(api.Serializer):
    language = serializers.CharField()
    status = serializers.ChoiceField(
        choices=list(STATUSES),
        help_text="How the program ended: `ok`, `error` (see `error`), `timeout`, `memory_limit`, "
        "`output_limit`.",
    )
    stdout = OutputEntrySerializer(many=True, help_text="console output in order, with its level")
    output_truncated = serializers.BooleanField()
    error = RunErrorSerializer(allow_null=True)
    wall_ms = serializers.FloatField(help_text="time the program ran inside its isolate")


def run_result_body(result: dict, *, language: str) -> dict:
    """The body CodeRunResultSerializer documents, built directly. The sandbox's
    result is already clean (the runner keeps only these keys and levels), and a
    program can print thousands of lines: the serializer would cost per line on the
    API's busiest endpoint. Tests validate these bodies against the serializer."""
    error = result.get("error")
    return {
        "language": language,
        "status": result.get("status"),
        "stdout": [{"level": e.get("level"), "text": e.get("text")} for e in result.get("stdout") or ()],
        "output_truncated": bool(result.get("output_truncated")),
        "error": {k: error.get(k) for k in ("name", "message", "file", "line", "column")} if error else None,
        "wall_ms": float(result.get("wall_ms") or 0.0),
    }


# --- drafts ------------------------------------------------------------------------


class DraftFileSerializer(api.Serializer):
    name = serializers.CharField()
    language = serializers.CharField(allow_blank=True, required=False)
    content = serializers.CharField(allow_blank=True, trim_whitespace=False)


class DraftSaveSerializer(api.Serializer):
    files = serializers.ListField(child=serializers.DictField(), allow_empty=True)
    version = serializers.IntegerField(
        min_value=0, help_text="The version this save is based on (0 = none yet)."
    )


class DraftBaseVersionSerializer(api.Serializer):
    version = serializers.IntegerField(min_value=0, help_text="The current version you are replacing.")


class DraftRestoreSerializer(DraftBaseVersionSerializer):
    version_id = IdField(help_text="The id of a kept version (from the versions list).")


class DraftSerializer(api.Serializer):
    lesson_id = serializers.IntegerField()
    version = serializers.IntegerField()
    files = DraftFileSerializer(many=True)
    is_starter = serializers.BooleanField(
        help_text="True when no draft exists yet: these are the starter files."
    )
    updated_at = serializers.DateTimeField(allow_null=True)


class DraftVersionSerializer(api.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    origin = serializers.CharField()
    created_at = serializers.DateTimeField()
    files = DraftFileSerializer(many=True)


class DraftConflictSerializer(api.Serializer):
    type = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField())
    current_version = serializers.IntegerField()


# --- challenges: what learners see -------------------------------------------------


_KIND_FIELDS = {"assert": ("code",), "io": ("input", "expected_output")}
_KIND_HELP = "`assert`: a Chai assert script (`code`); `io`: stdin (`input`) and the expected output."


def _only_fields_of_kind(data: dict) -> dict:
    """A test carries the fields of its kind only: `code` for an assertion test,
    `input` and `expected_output` for an input/output test."""
    other = {name for fields in _KIND_FIELDS.values() for name in fields}
    keep = set(_KIND_FIELDS.get(data.get("kind"), ()))
    for name in other - keep:
        data.pop(name, None)
    return data


class LearnerTestSerializer(api.Serializer):
    """A visible test with its body; hidden ones are only counted."""

    id = serializers.IntegerField()
    description = serializers.CharField()
    kind = serializers.ChoiceField(choices=list(_KIND_FIELDS), help_text=_KIND_HELP)
    code = serializers.CharField(
        allow_blank=True, required=False, help_text="Assertion tests only: the test script."
    )
    input = serializers.CharField(
        allow_blank=True, required=False, help_text="Input/output tests only: what stdin holds."
    )
    expected_output = serializers.CharField(
        allow_blank=True, required=False, help_text="Input/output tests only: the console output to match."
    )

    def to_representation(self, instance):
        return _only_fields_of_kind(super().to_representation(instance))


class LearnerChallengeSerializer(api.Serializer):
    id = serializers.IntegerField()
    lesson_id = serializers.IntegerField()
    title = serializers.CharField()
    prompt = serializers.CharField()
    language = serializers.CharField()
    starter_source = serializers.CharField(allow_blank=True)
    tests = serializers.SerializerMethodField()
    hidden_test_count = serializers.SerializerMethodField(
        help_text="Hidden tests of the challenge (graded, never shown); `tests` lists the visible ones."
    )

    @extend_schema_field(LearnerTestSerializer(many=True))
    def get_tests(self, obj) -> list[dict]:
        return LearnerTestSerializer([t for t in obj.tests.all() if not t.hidden], many=True).data

    def get_hidden_test_count(self, obj) -> int:
        return sum(1 for t in obj.tests.all() if t.hidden)


class ChallengeSubmitSerializer(CodeInputSerializer):
    """A submission: the learner's code, validated like a run (language is the challenge's)."""


_OUTCOME_HELP = (
    "How the test ended: `passed`; `failed` (the program ran, the assertion or the expected output "
    "did not hold); or the status that stopped the program in this test: `error` (an uncaught "
    "exception, see `message`), `timeout`, `memory_limit`, `output_limit`."
)
_RUN_STATUS_HELP = (
    "How the grading run as a whole ended (not whether the tests passed: see `passed` and each "
    "result's `outcome`): `ok` when every test ran, else the sandbox status that stopped it "
    "(`error`, `timeout`, `memory_limit`, `output_limit`)."
)


class LearnerTestResultSerializer(api.Serializer):
    test_id = serializers.IntegerField()
    hidden = serializers.BooleanField()
    outcome = serializers.ChoiceField(
        choices=list(TEST_OUTCOMES), help_text=_OUTCOME_HELP + " Hidden tests: `passed` or `failed` only."
    )
    passed = serializers.BooleanField(help_text="outcome == passed.")
    description = serializers.CharField(required=False)
    message = serializers.CharField(required=False, allow_blank=True)
    stdout = OutputEntrySerializer(many=True, required=False)
    output_truncated = serializers.BooleanField(
        required=False,
        help_text="True when the stored output of this test was cut (SUBMISSION_OUTPUT_BYTES_PER_TEST, "
        "SUBMISSION_OUTPUT_BYTES) or the program hit the run's output limit.",
    )


class _SubmissionBase(api.Serializer):
    id = serializers.IntegerField()
    challenge_id = serializers.IntegerField()
    run_status = serializers.ChoiceField(choices=list(STATUSES), source="status", help_text=_RUN_STATUS_HELP)
    passed = serializers.BooleanField(help_text="True when every test passed.")
    passed_test_count = serializers.IntegerField(
        source="passed_count", help_text="Tests that passed, hidden ones included."
    )
    test_count = serializers.IntegerField(
        source="total_count", help_text="Tests the submission was graded against, hidden ones included."
    )


class LearnerSubmissionSerializer(_SubmissionBase):
    wall_ms = serializers.SerializerMethodField(
        help_text="Time of the visible tests only (hidden tests' times are never shown)."
    )
    created_at = serializers.DateTimeField()
    files = DraftFileSerializer(many=True)
    results = serializers.SerializerMethodField()

    def get_wall_ms(self, obj) -> float:
        return learner_wall_ms(wall_ms=obj.wall_ms, results=obj.results)

    @extend_schema_field(LearnerTestResultSerializer(many=True))
    def get_results(self, obj) -> list[dict]:
        return LearnerTestResultSerializer(learner_results(obj.results), many=True).data


# --- challenges: what authors see and write ----------------------------------------


class TeacherTestSerializer(api.Serializer):
    id = serializers.IntegerField(read_only=True)
    description = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=["assert", "io"], default="assert")
    code = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, default="")
    input = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, default="")
    expected_output = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, default=""
    )
    hidden = serializers.BooleanField(default=False)

    def to_representation(self, instance):
        return _only_fields_of_kind(super().to_representation(instance))

    def validate(self, attrs):
        problem = challenge_test_problem(kind=attrs.get("kind", "assert"), code=attrs.get("code", ""))
        if problem:
            raise serializers.ValidationError({"code": serializers.ErrorDetail(*problem)})
        return attrs


class ChallengeWriteSerializer(api.Serializer):
    lesson_id = IdField()
    title = serializers.CharField(max_length=200)
    prompt = serializers.CharField()
    language = serializers.ChoiceField(choices=list(SUPPORTED_LANGUAGES), default="javascript")
    starter_source = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        default="",
        help_text="The code the learner starts from.",
    )
    reference_solution = serializers.CharField(trim_whitespace=False)
    sort_order = serializers.IntegerField(min_value=0, required=False, default=0)
    tests = TeacherTestSerializer(many=True)

    def validate_tests(self, value):
        problem = challenge_tests_problem(value)
        if problem:
            raise serializers.ValidationError(problem[0], code=problem[1])
        return value

    def validate_lesson_id(self, value):
        from ..selectors import lesson_get_for_author

        lesson = lesson_get_for_author(user=self.context["request"].user, lesson_id=value)
        if lesson is None:
            raise serializers.ValidationError(
                "No such lesson in a course you may edit.", code="does_not_exist"
            )
        self.context["lesson"] = lesson
        return value

    def validate(self, attrs):
        if "lesson_id" in attrs:
            attrs["lesson"] = self.context["lesson"]
        return attrs


class TeacherChallengeSerializer(api.Serializer):
    id = serializers.IntegerField()
    lesson_id = serializers.IntegerField()
    course_id = serializers.IntegerField()
    title = serializers.CharField()
    prompt = serializers.CharField()
    language = serializers.CharField()
    starter_source = serializers.CharField(allow_blank=True)
    reference_solution = serializers.CharField()
    sort_order = serializers.IntegerField()
    tests = TeacherTestSerializer(many=True)
    updated_at = serializers.DateTimeField()


class ChallengeImportItemSerializer(ChallengeWriteSerializer):
    """One challenge of an import document (the schema's view of it: the import service
    applies the rules, learning/coding/importing.py)."""

    slug = serializers.SlugField(
        max_length=100,
        required=False,
        help_text="Import key, unique within the lesson (default: the title's slug). Importing a "
        "challenge with the slug of one already on the lesson updates that challenge.",
    )


class ChallengeImportResultSerializer(TeacherChallengeSerializer):
    slug = serializers.CharField(help_text="The import key (unique within the lesson).")
    created = serializers.BooleanField(help_text="False when the import updated an existing challenge.")
    warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text="E.g. the starter code already passes every test (imported anyway).",
    )


class TeacherTestResultSerializer(api.Serializer):
    """One test's result as the course's teachers see it: hidden tests in full."""

    test_id = serializers.IntegerField()
    description = serializers.CharField()
    hidden = serializers.BooleanField()
    outcome = serializers.ChoiceField(choices=list(TEST_OUTCOMES), help_text=_OUTCOME_HELP)
    passed = serializers.BooleanField(help_text="outcome == passed.")
    message = serializers.CharField(allow_blank=True)
    stdout = OutputEntrySerializer(many=True)
    output_truncated = serializers.BooleanField(required=False)
    wall_ms = serializers.FloatField(help_text="The test's own time.")


class TeacherSubmissionSerializer(_SubmissionBase):
    user = StaffUserSummarySerializer(help_text="The learner who submitted.")
    wall_ms = serializers.FloatField()
    created_at = serializers.DateTimeField()
    files = DraftFileSerializer(many=True)
    results = serializers.SerializerMethodField()

    @extend_schema_field(TeacherTestResultSerializer(many=True))
    def get_results(self, obj) -> list[dict]:
        return TeacherTestResultSerializer(staff_results(obj.results), many=True).data


class ChallengeCheckSerializer(api.Serializer):
    """The reference solution graded against the challenge's tests."""

    run_status = serializers.ChoiceField(choices=list(STATUSES), help_text=_RUN_STATUS_HELP)
    passed = serializers.BooleanField(help_text="True when the reference solution passed every test.")
    results = TeacherTestResultSerializer(many=True)
    wall_ms = serializers.FloatField()


# --- plagiarism reports (docs/similarity.md) ------------------------------------------


class LineRangeSerializer(api.Serializer):
    file = serializers.CharField()
    start = serializers.IntegerField(help_text="First line (1-based).")
    end = serializers.IntegerField(help_text="Last line, inclusive.")


class SimilaritySideSerializer(api.Serializer):
    submission_id = serializers.IntegerField(allow_null=True, help_text="A challenge pair's submission.")
    project_id = serializers.IntegerField(allow_null=True, help_text="A project pair's project.")
    user = StaffUserSummarySerializer()
    created_at = serializers.DateTimeField()
    ranges = LineRangeSerializer(many=True, help_text="The lines that match the other side.")


class SimilarityPairSerializer(api.Serializer):
    """Two learners' submissions to one challenge that look copied."""

    id = serializers.IntegerField()
    kind = serializers.SerializerMethodField(help_text="`submission` (a challenge's) or `project`.")
    challenge_id = serializers.IntegerField(allow_null=True)
    challenge_title = serializers.SerializerMethodField()
    course_id = serializers.IntegerField()
    score = serializers.FloatField(help_text="0..1; reported at or above SIMILARITY_THRESHOLD.")
    exact = serializers.BooleanField(
        help_text="Same normalised tokens (only names, literals or layout differ)."
    )
    first = serializers.SerializerMethodField(help_text="The older submission.")
    second = serializers.SerializerMethodField(help_text="The newer submission.")
    newer_at = serializers.DateTimeField(help_text="When the newer one was submitted (the list's order).")
    found_at = serializers.DateTimeField()

    def get_kind(self, obj) -> str:
        return "submission" if obj.challenge_id else "project"

    def get_challenge_title(self, obj) -> str | None:
        return obj.challenge.title if obj.challenge_id else None

    @staticmethod
    def _side(*, submission_id, project_id, user, at, ranges) -> dict:
        return SimilaritySideSerializer(
            {
                "submission_id": submission_id,
                "project_id": project_id,
                "user": user,
                "created_at": at,
                "ranges": ranges,
            }
        ).data

    @extend_schema_field(SimilaritySideSerializer)
    def get_first(self, obj) -> dict:
        return self._side(
            submission_id=obj.first_id,
            project_id=obj.first_project_id,
            user=obj.first_user,
            at=obj.first_at,
            ranges=obj.first_ranges,
        )

    @extend_schema_field(SimilaritySideSerializer)
    def get_second(self, obj) -> dict:
        return self._side(
            submission_id=obj.second_id,
            project_id=obj.second_project_id,
            user=obj.second_user,
            at=obj.second_at,
            ranges=obj.second_ranges,
        )


class SimilarityScanSerializer(api.Serializer):
    """The state of a plagiarism scan (a challenge's submissions or a course's projects);
    poll it after a submission or a POST."""

    challenge_id = serializers.IntegerField(allow_null=True)
    course_id = serializers.IntegerField(allow_null=True, help_text="Set for a course's projects scan.")
    status = serializers.ChoiceField(
        choices=["never", "queued", "running", "done", "failed"], help_text="`never`: no scan yet."
    )
    submissions = serializers.IntegerField(
        help_text="Learners compared by the last scan (newest submission each)."
    )
    pairs = serializers.IntegerField(help_text="Pairs at or above the threshold found by the last scan.")
    threshold = serializers.FloatField()
    queued_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    duration_ms = serializers.FloatField()
    error = serializers.CharField(allow_blank=True)


def similarity_scan_body(challenge, scan, course_id: int | None = None) -> dict:
    return {
        "challenge_id": challenge.pk if challenge else None,
        "course_id": course_id,
        "status": scan.status if scan else "never",
        "submissions": scan.submissions if scan else 0,
        "pairs": scan.pairs if scan else 0,
        "threshold": settings.SIMILARITY_THRESHOLD,
        "queued_at": scan.queued_at if scan else None,
        "started_at": scan.started_at if scan else None,
        "finished_at": scan.finished_at if scan else None,
        "duration_ms": scan.duration_ms if scan else 0.0,
        "error": scan.error if scan else "",
    }
