"""Reads of the coding app. Every getter takes the user and raises Http404 for what
they may not see (another learner's draft version, a challenge of an unpublished
lesson, a course the teacher does not own), never 403."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404

from cms.selectors import courses_editable_by, lesson_get_for_user

from .models import (
    Challenge,
    ChallengeTest,
    Draft,
    DraftVersion,
    SimilarityPair,
    SimilarityScan,
    Submission,
)


def draft_get(*, user, lesson) -> Draft | None:
    return Draft.objects.filter(user=user, lesson=lesson).first()


def draft_versions_for_user(*, user, lesson) -> QuerySet[DraftVersion]:
    return DraftVersion.objects.filter(draft__user=user, draft__lesson=lesson).order_by("-version")


def draft_version_get(*, user, lesson, version_id: int) -> DraftVersion:
    version = DraftVersion.objects.filter(pk=version_id, draft__user=user, draft__lesson=lesson).first()
    if version is None:
        raise Http404("No such draft version.")
    return version


def _with_tests(queryset: QuerySet[Challenge]) -> QuerySet[Challenge]:
    return queryset.prefetch_related(
        Prefetch("tests", queryset=ChallengeTest.objects.order_by("sort_order", "pk"))
    )


def challenges_of_lesson_for_learner(*, user, lesson_id: int) -> QuerySet[Challenge]:
    lesson = lesson_get_for_user(user=user, lesson_id=lesson_id)
    return _with_tests(Challenge.objects.filter(lesson=lesson)).order_by("sort_order", "pk")


def challenges_of_lesson_for_preview(*, lesson_id: int | None) -> QuerySet[Challenge]:
    """The challenges of a lesson whatever its state, for the editor's preview (whose
    signed token was checked by the caller). A lesson not saved yet has none."""
    if lesson_id is None:
        return Challenge.objects.none()
    return _with_tests(Challenge.objects.filter(lesson_id=lesson_id)).order_by("sort_order", "pk")


def challenge_get_for_learner(*, user, challenge_id: int) -> Challenge:
    """A challenge whose lesson the user may see (published all the way up), or 404."""
    challenge = _with_tests(Challenge.objects.filter(pk=challenge_id)).first()
    if challenge is None:
        raise Http404("No such challenge.")
    lesson_get_for_user(user=user, lesson_id=challenge.lesson_id)  # 404 when not visible
    return challenge


def submissions_for_learner(*, user, challenge: Challenge) -> QuerySet[Submission]:
    return Submission.objects.filter(user=user, challenge=challenge).order_by("-created_at", "-pk")


def lesson_get_for_author(*, user, lesson_id: int):
    """A lesson of a course the user may edit (its owners, admins), or None."""
    from cms.models import LessonPage
    from cms.permissions import course_of_page, user_can_edit_course

    lesson = LessonPage.objects.filter(pk=lesson_id).first()
    if lesson is None or not user_can_edit_course(user, course_of_page(lesson)):
        return None
    return lesson


def challenges_for_teacher(*, user) -> QuerySet[Challenge]:
    return _with_tests(
        Challenge.objects.filter(course__in=courses_editable_by(user=user)).select_related("lesson", "course")
    ).order_by("course_id", "lesson_id", "sort_order", "pk")


def challenge_get_for_teacher(*, user, challenge_id: int) -> Challenge:
    challenge = challenges_for_teacher(user=user).filter(pk=challenge_id).first()
    if challenge is None:
        raise Http404("No such challenge.")
    return challenge


def submissions_for_teacher(
    *, user, course_id: int | None = None, challenge_id: int | None = None, user_id: int | None = None
) -> QuerySet[Submission]:
    queryset = Submission.objects.filter(challenge__course__in=courses_editable_by(user=user))
    if course_id:
        queryset = queryset.filter(challenge__course_id=course_id)
    if challenge_id:
        queryset = queryset.filter(challenge_id=challenge_id)
    if user_id:
        queryset = queryset.filter(user_id=user_id)
    return queryset.select_related("user", "challenge").order_by("-created_at", "-pk")


# --- plagiarism reports (docs/similarity.md) ------------------------------------------


def _pairs(queryset: QuerySet[SimilarityPair]) -> QuerySet[SimilarityPair]:
    return queryset.select_related("challenge", "first_user", "second_user").order_by("-newer_at", "-pk")


def similarity_pairs_for_challenge(*, user, challenge_id: int) -> QuerySet[SimilarityPair]:
    """The pairs of a challenge of a course the user may edit (404 otherwise)."""
    challenge = challenge_get_for_teacher(user=user, challenge_id=challenge_id)
    return _pairs(SimilarityPair.objects.filter(challenge=challenge))


def similarity_pairs_for_course(*, user, course_id: int) -> QuerySet[SimilarityPair]:
    """The pairs of every challenge of a course the user may edit (404 otherwise)."""
    if not courses_editable_by(user=user).filter(pk=course_id).exists():
        raise Http404("No such course.")
    return _pairs(SimilarityPair.objects.filter(course_id=course_id))


def similarity_projects_scan_for_course(*, user, course_id: int) -> SimilarityScan | None:
    """The state of the projects scan of a course the user may edit (404 otherwise)."""
    if not courses_editable_by(user=user).filter(pk=course_id).exists():
        raise Http404("No such course.")
    return SimilarityScan.objects.filter(course_id=course_id, challenge=None).first()


def similarity_scan_for_challenge(*, user, challenge_id: int) -> tuple[Challenge, SimilarityScan | None]:
    challenge = challenge_get_for_teacher(user=user, challenge_id=challenge_id)
    return challenge, SimilarityScan.objects.filter(challenge=challenge).first()


# --- the teacher's dashboard ------------------------------------------------------


class CheckState:
    """Where a challenge's last check leaves it (the dashboard's words)."""

    PASSED = "passed"
    FAILED = "failed"
    NEVER_CHECKED = "never_checked"
    CHANGED = "changed"  # edited after its last check: the outcome may no longer hold


STATE_ORDER = (CheckState.FAILED, CheckState.CHANGED, CheckState.NEVER_CHECKED, CheckState.PASSED)


@dataclass(frozen=True)
class ChallengeCheckRow:
    id: int
    title: str
    course_id: int
    lesson_title: str
    state: str
    checked_at: datetime | None
    message: str


def challenge_check_overview(*, course_ids) -> tuple[dict[int, dict[str, int]], list[ChallengeCheckRow]]:
    """For these courses: per course, how many challenges are in each CheckState; and the
    challenges that need the author (failed, never checked, changed since), failed first.
    Two queries, whatever the number of courses and challenges."""
    ids = list(course_ids)
    never = Q(last_checked_at__isnull=True)
    changed = Q(last_checked_at__lt=F("updated_at"))
    failed = Q(last_check_passed=False) & ~never & ~changed
    passed = Q(last_check_passed=True) & ~never & ~changed
    counts = {
        row["course_id"]: {key: row[key] for key in ("total", *STATE_ORDER)}
        for row in Challenge.objects.filter(course__in=ids)
        .order_by()
        .values("course_id")
        .annotate(
            total=Count("pk"),
            failed=Count("pk", filter=failed),
            never_checked=Count("pk", filter=never),
            changed=Count("pk", filter=changed & ~never),
            passed=Count("pk", filter=passed),
        )
    }
    rows = []
    for row in (
        Challenge.objects.filter(course__in=ids)
        .exclude(passed)
        .order_by("course_id", "lesson__path", "sort_order", "pk")
        .values(
            "pk",
            "title",
            "course_id",
            "lesson__title",
            "last_check_passed",
            "last_checked_at",
            "last_check_message",
            "updated_at",
        )
    ):
        if row["last_checked_at"] is None:
            state = CheckState.NEVER_CHECKED
        elif row["last_checked_at"] < row["updated_at"]:
            state = CheckState.CHANGED
        else:
            state = CheckState.FAILED
        rows.append(
            ChallengeCheckRow(
                id=row["pk"],
                title=row["title"],
                course_id=row["course_id"],
                lesson_title=row["lesson__title"],
                state=state,
                checked_at=row["last_checked_at"],
                message=row["last_check_message"] if state == CheckState.FAILED else "",
            )
        )
    rows.sort(key=lambda r: STATE_ORDER.index(r.state))  # stable: course order within a state
    return counts, rows


def submission_totals(*, since: datetime) -> dict[str, int]:
    """Platform totals for admins: submissions and passing submissions since `since`.
    One query."""
    return Submission.objects.filter(created_at__gte=since).aggregate(
        submissions=Count("pk"), passed=Count("pk", filter=Q(passed=True))
    )


def reference_solutions_not_passed(*, user, challenge_ids, lesson_ids) -> list[tuple[int, str]]:
    """(challenge id, reference solution) of the given challenges and of every challenge
    of the given lessons that `user` has not passed yet: what the tutor's output check
    must not give away (tutor/guardrails.py). Two queries, whatever the number."""
    query = Q(pk__in=list(challenge_ids)) | Q(lesson_id__in=list(lesson_ids))
    rows = list(Challenge.objects.filter(query).values_list("pk", "reference_solution"))
    if not rows:
        return []
    passed = set(
        Submission.objects.filter(user=user, passed=True, challenge_id__in=[pk for pk, _ in rows])
        .values_list("challenge_id", flat=True)
        .distinct()
    )
    return [(pk, source) for pk, source in rows if pk not in passed]
