"""A small hand-built school: an organisation with an organisation admin and two
learners, one learner of another organisation, a course of the teacher with each
kind's rows (enrolments, lesson progress, a completion, quiz attempts, certificates,
analytics events)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from learning.accounts.tests.factories import UserFactory

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def school(db):
    from learning.accounts.models import Organisation

    return Organisation.objects.create(name="Çamlıca School", slug="camlica")


@pytest.fixture
def rival(db):
    from learning.accounts.models import Organisation

    return Organisation.objects.create(name="Rival Academy", slug="rival")


@pytest.fixture
def org_admin(school):
    """A teacher of the school who is its organisation admin (owns no course)."""
    return UserFactory(email="head@school.test", role="teacher", organisation=school, organisation_admin=True)


@pytest.fixture
def rival_admin(rival):
    return UserFactory(email="head@rival.test", role="student", organisation=rival, organisation_admin=True)


@pytest.fixture
def data(school, rival, build_course, teacher, admin_user):
    """The hand-built set; returns what the tests compare against."""
    from learning.analytics.models import Event
    from learning.assessments.models import Attempt
    from learning.assessments.tests.helpers import live_quiz, make_question
    from learning.progress.models import CourseCompletion, Enrollment, LessonProgress
    from learning.rewards.certificates.models import Certificate

    course = build_course(modules=1, lessons_per_module=2, title="Web basics")
    other_course = build_course(title="Other course")
    from cms.models import LessonPage

    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    ada = UserFactory(email="ada@school.test", display_name='=HYPERLINK("http://evil")', organisation=school)
    bao = UserFactory(email="bao@school.test", display_name="Bảo Ngọc 🚀", organisation=school)
    rex = UserFactory(email="rex@rival.test", display_name="Rex", organisation=rival)
    for user, when in ((ada, T0), (bao, T0 + dt.timedelta(days=1)), (rex, T0)):
        Enrollment.objects.create(user=user, course=course, enrolled_at=when, last_activity_at=when)
    Enrollment.objects.create(user=bao, course=other_course, enrolled_at=T0, active=False)
    for lesson in lessons:
        LessonProgress.objects.create(
            user=ada, lesson=lesson, course=course, started_at=T0, completed_at=T0, last_event_at=T0
        )
    LessonProgress.objects.create(user=bao, lesson=lessons[0], course=course, started_at=T0, last_event_at=T0)
    CourseCompletion.objects.create(user=ada, course=course, completed_at=T0 + dt.timedelta(hours=2))

    question = make_question(user=teacher, course=course)
    quiz = live_quiz(teacher=teacher, admin=admin_user, course=course, questions=[question], title="+Quiz 1")
    for user, number, score, passed in ((ada, 1, 4.0, True), (rex, 1, 1.5, False)):
        Attempt.objects.create(
            user=user,
            quiz=quiz,
            course=course,
            number=number,
            state="submitted",
            started_at=T0,
            submitted_at=T0 + dt.timedelta(minutes=5),
            score=score,
            max_score=5,
            passed=passed,
        )
    Attempt.objects.create(user=bao, quiz=quiz, course=course, number=1, state="in_progress", started_at=T0)

    Certificate.objects.create(
        user=ada,
        course=course,
        serial="MRICT-2026-0001",
        verification_code="v1",
        holder_name="Ada",
        course_title="Web basics",
        issued_at=T0,
        issue_status="issued",
        status="valid",
    )
    Certificate.objects.create(
        user=rex,
        course=course,
        serial="MRICT-2026-0002",
        verification_code="v2",
        holder_name="Rex",
        course_title="Web basics",
        issued_at=T0,
        issue_status="issued",
        status="valid",
    )

    def event(actor, org, course_id, minutes, extensions=None):
        return Event(
            id=uuid.uuid4(),
            type="lesson_view",
            source="client",
            actor=actor,
            verb="http://id.tincanapi.com/verb/viewed",
            object_type="lesson",
            object_id=str(lessons[0].pk),
            course_id=course_id,
            lesson_id=lessons[0].pk,
            organisation_id=org,
            timestamp=T0 + dt.timedelta(minutes=minutes),
            stored=T0 + dt.timedelta(minutes=minutes),
            extensions=extensions or {},
        )

    events = [
        event("a" * 32, school.pk, course.pk, 1, {"note": "@SUM(A1)", "title": "日本語"}),
        event("b" * 32, school.pk, other_course.pk, 2),
        event("c" * 32, rival.pk, course.pk, 3),
    ]
    Event.objects.bulk_create(events)
    return {
        "course": course,
        "other_course": other_course,
        "ada": ada,
        "bao": bao,
        "rex": rex,
        "quiz": quiz,
        "events": events,
        "lessons": lessons,
    }
