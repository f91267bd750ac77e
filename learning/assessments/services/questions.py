"""The question bank: content snapshots, versions, and creating/updating questions
outside the editor (the teacher API, imports, demo content)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..models import Question, QuestionCodeTest, QuestionOption, QuestionType, QuestionVersion

CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE)


def question_content(question: Question, *, options=None, code_tests=None) -> dict:
    """The snapshot a version stores: everything grading and feedback need. `options`
    and `code_tests` default to the question's (a form passes its unsaved ones)."""
    options = list(question.options.all()) if options is None else options
    code_tests = list(question.code_tests.all()) if code_tests is None else code_tests
    return {
        "type": question.question_type,
        "stem": question.stem,
        "stem_code": question.stem_code,
        "stem_code_language": question.stem_code_language,
        "general_feedback": question.general_feedback,
        "points": float(question.points),
        "settings": {
            "multiple_scoring": question.multiple_scoring,
            "case_sensitive": question.case_sensitive,
            "normalize_whitespace": question.normalize_whitespace,
            "code_language": question.code_language,
            "code_starter": question.code_starter,
        },
        "options": [
            {
                "key": o.key,
                "text": o.text,
                "correct": bool(o.is_correct),
                "weight": float(o.weight or 0),
                "tolerance": None if o.tolerance is None else float(o.tolerance),
                "feedback": o.feedback,
            }
            for o in options
        ],
        "code_tests": [
            {
                "id": t.pk or f"t{i}",
                "kind": t.kind,
                "description": t.description,
                "code": t.code,
                "input": t.input,
                "expected": t.expected_output,
            }
            for i, t in enumerate(code_tests)
        ],
    }


def question_content_errors(content: dict) -> dict[str, list[str]]:
    """What makes a question unusable, by field ("options", "code_tests", "__all__");
    the editor form and the services refuse such a question."""
    from ..scoring import option_credit

    kind = content["type"]
    options = content["options"]
    correct = [o for o in options if o["correct"]]
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if kind in ("single", "multiple") and len(options) < 2:
        add("options", "Give at least two options.")
    if kind == "single" and len(correct) != 1:
        add("options", "Mark exactly one option correct.")
    if kind == "multiple" and not correct:
        add("options", "Mark at least one option correct.")
    if kind == "true_false" and (len(options) != 2 or len(correct) != 1):
        add("options", "A true/false question has two options ('True' and 'False'), one of them correct.")
    if kind == "numeric":
        from ..scoring import _number

        if not options:
            add("options", "Give at least one accepted value.")
        for o in options:
            if _number(o["text"]) is None:
                add("options", f"{o['text'][:40]!r} is not a number.")
    if kind == "short_text" and not any(option_credit(o) > 0 for o in options):
        add("options", "Give at least one accepted answer (marked correct or with a weight).")
    if kind == "ordering" and len(options) < 2:
        add("options", "Give at least two items, in their correct order.")
    if kind == "code" and not content["code_tests"]:
        add("code_tests", "A code question needs at least one test case.")
    if any(not o["text"].strip() for o in options):
        add("options", "An option has no text.")
    return errors


@transaction.atomic
def question_version_sync(*, question: Question) -> QuestionVersion:
    """Make the current version match the question's fields: the same version when
    nothing changed; edited in place while no attempt has shown it; otherwise a new
    version (old attempts keep pointing at theirs)."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    content = question_content(question)
    current = question.current_version
    if current is not None and current.content == content:
        return current
    if current is not None and current.locked_at is None:
        current.content = content
        current.points = content["points"]
        current.question_type = question.question_type
        current.save(update_fields=["content", "points", "question_type"])
        return current
    number = (question.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = QuestionVersion.objects.create(
        question=question,
        number=number,
        question_type=question.question_type,
        points=content["points"],
        content=content,
    )
    Question.objects.filter(pk=question.pk).update(current_version=version)
    return version


def versions_lock(version_ids) -> None:
    """From now on these versions were shown to somebody: edits make new ones."""
    QuestionVersion.objects.filter(pk__in=list(version_ids), locked_at__isnull=True).update(
        locked_at=timezone.now()
    )


QUESTION_FIELDS = (
    "title",
    "question_type",
    "difficulty",
    "stem",
    "stem_code",
    "stem_code_language",
    "general_feedback",
    "points",
    "multiple_scoring",
    "case_sensitive",
    "normalize_whitespace",
    "code_language",
    "code_starter",
)


def _check_bank(*, user, course) -> None:
    from cms.permissions import user_can_edit_course, user_is_content_admin

    if course is None:
        if not user_is_content_admin(user):
            raise PermissionDenied("Only admins edit the site-wide bank.")
    elif not user_can_edit_course(user, course):
        raise PermissionDenied("You may not edit this course's questions.")


def _apply(question: Question, data: dict) -> None:
    for name in QUESTION_FIELDS:
        if name in data:
            setattr(question, name, data[name])
    if "options" in data:
        keep = {o.get("key") for o in data["options"] if o.get("key")}
        existing = {o.key: o for o in question.options.all()}
        rows = []
        for i, item in enumerate(data["options"]):
            option = existing.get(item.get("key")) if item.get("key") in keep else None
            option = option or QuestionOption()
            if item.get("key") and not option.pk:
                option.key = item["key"]
            option.text = item["text"]
            option.is_correct = bool(item.get("correct", item.get("is_correct", False)))
            option.weight = float(item.get("weight") or 0)
            option.tolerance = item.get("tolerance")
            option.feedback = item.get("feedback", "")
            option.sort_order = i
            rows.append(option)
        question.options = rows
    if "code_tests" in data:
        question.code_tests = [
            QuestionCodeTest(
                description=t.get("description", f"test {i + 1}"),
                kind=t.get("kind", QuestionCodeTest.Kind.ASSERT),
                code=t.get("code", ""),
                input=t.get("input", ""),
                expected_output=t.get("expected_output", t.get("expected", "")),
                sort_order=i,
            )
            for i, t in enumerate(data["code_tests"])
        ]
    if "tags" in data:
        question.tags.set(list(data["tags"]), clear=True)


def _validate(question: Question) -> None:
    try:
        question.full_clean(exclude=["course", "created_by", "current_version", "tags"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    errors = question_content_errors(
        question_content(
            question, options=list(question.options.all()), code_tests=list(question.code_tests.all())
        )
    )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def question_create(*, user, course, data: dict, source_key: str = "") -> Question:
    """A question in `course`'s bank (None: the site-wide bank), with its first version.
    `data`: the fields of QUESTION_FIELDS, `options` [{text, correct, weight,
    tolerance, feedback}], `code_tests` [{description, kind, code, input,
    expected_output}], `tags`. Raises ValidationError / PermissionDenied."""
    _check_bank(user=user, course=course)
    question = Question(course=course, created_by=user, source_key=source_key)
    _apply(question, data)
    _validate(question)
    question.save()
    question_version_sync(question=question)
    question.refresh_from_db()
    return question


@transaction.atomic
def question_update(*, user, question: Question, data: dict) -> Question:
    _check_bank(user=user, course=question.course)
    _apply(question, data)
    _validate(question)
    question.save()
    question_version_sync(question=question)
    question.refresh_from_db()
    return question
