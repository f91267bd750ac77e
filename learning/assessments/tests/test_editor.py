"""The question bank and quiz pages in the Wagtail editor (Django's test client with a
logged-in session, the real admin views and forms): a teacher creates questions in
their course's bank (validated so they can be graded), edits make versions, another
teacher's questions are 404, a quiz refuses a question of another bank, and a question
that attempts used cannot be deleted."""

import pytest
from django.test import Client
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from learning.assessments.models import Question, QuestionVersion, QuizPage
from learning.assessments.services import attempt_start

from .helpers import first_module, live_quiz, make_question

pytestmark = pytest.mark.django_db

ADD = "/admin/snippets/assessments/question/add/"


def editor(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def question_form(course, *, title="Made in the editor", options=None, **fields):
    options = (
        options
        if options is not None
        else [
            {"text": "<p>", "is_correct": "on", "weight": "0", "feedback": "Right."},
            {"text": "<span>", "weight": "0", "feedback": "Inline, not a paragraph."},
        ]
    )
    data = {
        "title": title,
        "course": str(course.pk) if course else "",
        "question_type": "single",
        "difficulty": "easy",
        "points": "1",
        "tags": "html",
        "stem": rich_text("<p>Which tag makes a paragraph?</p>"),
        "stem_code_language": "html",
        "stem_code": "",
        "general_feedback": "",
        "multiple_scoring": "right_minus_wrong",
        "normalize_whitespace": "on",
        "code_language": "javascript",
        "code_starter": "",
        "options": inline_formset(
            [{**o, "tolerance": ""} for o in options], initial=sum(1 for o in options if o.get("id"))
        ),
        "code_tests": inline_formset([]),
        **fields,
    }
    return nested_form_data(data)


def test_a_teacher_creates_a_question_in_the_editor(course, teacher):
    response = editor(teacher).post(ADD, question_form(course))
    assert response.status_code == 302, response.content[:3000]
    question = Question.objects.get(title="Made in the editor")
    assert question.course_id == course.pk and question.current_version is not None
    content = question.current_version.content
    assert [(o["text"], o["correct"]) for o in content["options"]] == [("<p>", True), ("<span>", False)]
    assert [t.name for t in question.tags.all()] == ["html"]


@pytest.mark.parametrize(
    ("fields", "options", "message"),
    [
        (
            {},
            [{"text": "a", "weight": "0"}, {"text": "b", "weight": "0"}],
            b"Mark exactly one option correct",
        ),
        (
            {"question_type": "numeric"},
            [{"text": "ten", "is_correct": "on", "weight": "0"}],
            b"is not a number",
        ),
        ({"question_type": "code"}, [], b"needs at least one test case"),
    ],
)
def test_a_question_that_cannot_be_graded_is_refused(course, teacher, fields, options, message):
    response = editor(teacher).post(ADD, question_form(course, options=options, **fields))
    assert response.status_code == 200 and message in response.content
    assert not Question.objects.exists()


def test_a_course_id_out_of_range_is_a_form_error(course, teacher):
    """Not a query: SQLite's driver raises OverflowError past 64 bits (a 500)."""
    response = editor(teacher).post(ADD, {**question_form(course), "course": "9" * 30})
    assert response.status_code == 200 and b"not one of the available choices" in response.content
    assert not Question.objects.exists()


def test_banks_are_scoped_to_own_courses(course, teacher, other_teacher, admin_user, build_course):
    response = editor(other_teacher).post(ADD, question_form(course))
    assert response.status_code == 200 and not Question.objects.exists()
    # the site-wide bank is the admins'
    response = editor(teacher).post(ADD, question_form(None))
    assert response.status_code == 200 and not Question.objects.exists()
    assert editor(admin_user).post(ADD, question_form(None, title="Shared")).status_code == 302

    mine = make_question(user=teacher, course=course, title="Mine")
    other_course = build_course(title="Other", owner=other_teacher)
    theirs = make_question(user=other_teacher, course=other_course, title="Theirs")
    listing = editor(teacher).get("/admin/snippets/assessments/question/")
    assert (
        b"Mine" in listing.content and b"Theirs" not in listing.content and b"Shared" not in listing.content
    )
    assert editor(teacher).get(f"/admin/snippets/assessments/question/edit/{theirs.pk}/").status_code == 404
    assert editor(teacher).get(f"/admin/snippets/assessments/question/edit/{mine.pk}/").status_code == 200
    chooser = editor(teacher).get("/admin/snippets/choose/assessments/question/")
    assert b"Mine" in chooser.content and b"Theirs" not in chooser.content


def test_editing_a_question_that_attempts_used_makes_a_version(course, teacher, admin_user, student):
    client = editor(teacher)
    client.post(ADD, question_form(course))
    question = Question.objects.get()
    edit = f"/admin/snippets/assessments/question/edit/{question.pk}/"
    keys = [o.key for o in question.options.all()]
    options = [
        {
            "id": str(o.pk),
            "text": o.text,
            "is_correct": "on" if o.is_correct else "",
            "weight": "0",
            "feedback": "",
        }
        for o in question.options.all()
    ]
    # no attempt yet: the edit changes version 1 in place
    assert client.post(edit, question_form(course, title="Renamed", options=options)).status_code == 302
    assert QuestionVersion.objects.filter(question=question).count() == 1

    quiz = live_quiz(teacher=teacher, admin=admin_user, course=course, questions=[question])
    attempt = attempt_start(user=student, quiz=quiz).attempt
    response = client.post(
        edit, question_form(course, title="Renamed", options=options, general_feedback="More")
    )
    assert response.status_code == 302
    versions = list(QuestionVersion.objects.filter(question=question).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].content["general_feedback"] == "More" and versions[0].content["general_feedback"] == ""
    assert attempt.responses.get().version_id == versions[0].pk
    # option keys survive the edit: chosen options count across versions
    assert [o["key"] for o in versions[1].content["options"]] == keys

    # and it cannot be deleted any more
    response = client.post(f"/admin/snippets/assessments/question/delete/{question.pk}/")
    assert response.status_code == 302
    assert Question.objects.filter(pk=question.pk).exists()


def quiz_form(*, title, slots):
    return nested_form_data(
        {
            "title": title,
            "slug": title.lower().replace(" ", "-"),
            "intro": rich_text(""),
            "slots": inline_formset(slots),
            "time_limit_minutes": "",
            "available_from": "",
            "available_until": "",
            "attempts_allowed": "0",
            "cooldown_minutes": "0",
            "pass_mark": "50",
            "grading_method": "highest",
            "feedback_timing": "after_submission",
            "shuffle_options": "on",
        }
    )


def test_a_quiz_page_uses_only_its_course_bank(course, teacher, other_teacher, build_course):
    mine = make_question(user=teacher, course=course, title="Mine")
    other_course = build_course(title="Other", owner=other_teacher)
    theirs = make_question(user=other_teacher, course=other_course, title="Theirs")
    module = first_module(course)
    add = f"/admin/pages/add/assessments/quizpage/{module.pk}/"
    client = editor(teacher)

    slot = {"kind": "fixed", "pool_tag": "", "pool_difficulty": "", "count": "1"}
    response = client.post(add, quiz_form(title="Bad", slots=[{**slot, "question": str(theirs.pk)}]))
    assert response.status_code == 200 and not QuizPage.objects.exists()

    response = client.post(
        add,
        quiz_form(
            title="Module check",
            slots=[
                {**slot, "question": str(mine.pk)},
                {**slot, "kind": "random", "question": "", "pool_tag": "html"},
            ],
        ),
    )
    assert response.status_code == 302, (
        response.context["form"].errors,
        [f.errors for f in response.context["form"].formsets["slots"].forms],
    )
    quiz = QuizPage.objects.get(title="Module check")
    assert quiz.get_parent().pk == module.pk and not quiz.live
    assert [(s.kind, s.question_id, s.pool_tag) for s in quiz.slots.order_by("sort_order")] == [
        ("fixed", mine.pk, ""),
        ("random", None, "html"),
    ]
