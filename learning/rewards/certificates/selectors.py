"""Read queries shared by views and services. Every getter takes the caller and 404s
what they may not see."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from .models import Certificate, CertificateTemplate, IssueStatus


@dataclass(frozen=True)
class FinalQuiz:
    id: int
    title: str
    passed: bool


def certificates_of(*, user) -> QuerySet[Certificate]:
    """The learner's certificates (every state), newest first: snapshots, no joins needed."""
    return Certificate.objects.filter(user=user).order_by("-created_at", "-pk")


def certificate_get_for_owner(*, user, certificate_id: int) -> Certificate:
    certificate = certificates_of(user=user).filter(pk=certificate_id).first()
    if certificate is None:
        raise Http404("No such certificate.")
    return certificate


def certificate_current_for_course(*, user, course_id: int) -> Certificate | None:
    """The learner's newest certificate for the course (valid first), or None."""
    return (
        Certificate.objects.filter(user=user, course_id=course_id)
        .order_by("-status", "-created_at", "-pk")  # "valid" > "revoked"
        .first()
    )


def certificate_get_by_code(*, code: str) -> Certificate:
    """For the public verification: issued certificates only; anything else (unknown
    code, still pending, failed) is the same 404."""
    certificate = Certificate.objects.filter(verification_code=code, issue_status=IssueStatus.ISSUED).first()
    if certificate is None:
        raise Http404("No such certificate.")
    return certificate


def certificates_for_admin(
    *, user_id: int | None = None, course_id: int | None = None
) -> QuerySet[Certificate]:
    qs = Certificate.objects.select_related("user", "revoked_by").order_by("-created_at", "-pk")
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    if course_id is not None:
        qs = qs.filter(course_id=course_id)
    return qs


def template_for_course(*, course_id: int | None) -> CertificateTemplate | None:
    """The course's own template, else the default one, else None (built-in design)."""
    templates = CertificateTemplate.objects.prefetch_related("signatures").select_related("logo")
    if course_id is not None:
        own = templates.filter(course_id=course_id).first()
        if own is not None:
            return own
    return templates.filter(is_default=True).first()


def final_quizzes_of(*, user, course) -> list[FinalQuiz]:
    """The course's live final quizzes (assessments' `QuizPage.is_final`, in tree order),
    each with whether the learner's quiz grade (by its grading method) passes it. Reads
    assessments' models and selectors only. Two queries."""
    from learning.assessments.models import Attempt
    from learning.assessments.selectors import quiz_grade, quizzes_live_of_course

    quizzes = list(quizzes_live_of_course(course).filter(is_final=True))
    if not quizzes:
        return []
    attempts: dict[int, list] = {quiz.pk: [] for quiz in quizzes}
    for attempt in Attempt.objects.filter(
        user=user, quiz_id__in=list(attempts), state=Attempt.State.SUBMITTED
    ).only("pk", "quiz_id", "number", "state", "score", "max_score"):
        attempts[attempt.quiz_id].append(attempt)
    return [
        FinalQuiz(
            id=quiz.pk, title=quiz.title, passed=quiz_grade(quiz=quiz, attempts=attempts[quiz.pk]).passed
        )
        for quiz in quizzes
    ]


@dataclass(frozen=True)
class CertificateState:
    """The learner's status poll: `state` is none | awaiting_final_quiz | pending |
    issued | failed | revoked; `final_quizzes` the course's final quizzes and whether
    each is passed (empty for a course without one)."""

    state: str
    certificate: Certificate | None
    final_quizzes: list[FinalQuiz]


def certificate_state_for_course(*, user, course_id: int) -> CertificateState:
    """A completion whose job has not run yet reads as pending; a completion while a
    final quiz is not passed reads as awaiting_final_quiz."""
    from cms.models import CoursePage
    from learning.progress.models import CourseCompletion

    course = CoursePage.objects.filter(pk=course_id).first()
    finals = final_quizzes_of(user=user, course=course) if course is not None else []
    certificate = certificate_current_for_course(user=user, course_id=course_id)
    if certificate is not None:
        if certificate.status == "revoked":
            return CertificateState("revoked", certificate, finals)
        return CertificateState(certificate.issue_status, certificate, finals)
    if CourseCompletion.objects.filter(user=user, course_id=course_id).exists():
        if any(not quiz.passed for quiz in finals):
            return CertificateState("awaiting_final_quiz", None, finals)
        return CertificateState("pending", None, finals)
    return CertificateState("none", None, finals)
