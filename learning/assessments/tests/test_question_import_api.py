"""POST /api/v1/teacher/question-bank/import/: GIFT and Moodle XML into a course's bank,
with the per-question report; malformed or hostile files write nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from .test_import_parsers import BILLION_LAUGHS, GIFT, XML

URL = "/api/v1/teacher/question-bank/import/"


def assert_error(response, status, code, attr=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["errors"][0]["code"] == code, body
    if attr is not None:
        assert body["errors"][0]["attr"] == attr, body


@pytest.fixture
def course(build_course):
    return build_course(modules=1, lessons_per_module=1)


def upload(client, data: bytes, name="bank.gift", **fields):
    return client.post(URL, {"file": SimpleUploadedFile(name, data), **fields}, format="multipart")


def bank_size(course=None):
    from learning.assessments.models import Question

    return Question.objects.filter(course=course).count()


def test_gift_import_creates_questions_and_reports_the_rest(auth_client, teacher, course):
    from learning.assessments import scoring
    from learning.assessments.models import Question

    response = upload(auth_client(teacher), GIFT.encode(), course_id=course.pk)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["format"], body["created_count"], body["updated_count"], body["invalid_count"]) == (
        "gift",
        9,
        0,
        0,
    )
    assert body["not_mapped_count"] == 3
    assert {(n["name"], n["source_type"], n["code"]) for n in body["not_mapped"]} == {
        ("Essay", "essay", "not_mappable"),
        ("Match", "matching", "not_mappable"),
        ("Just a description with no answers.", "description", "not_mappable"),
    }
    assert bank_size(course) == 9
    by_name = {row["name"]: row for row in body["questions"]}
    tag = Question.objects.get(pk=by_name["Tag"]["question_id"])
    assert tag.question_type == "single"
    assert "Web basics" in list(tag.tags.names())
    assert tag.general_feedback == "Links are anchors."
    content = tag.current_version.content
    assert [(o["text"], o["correct"]) for o in content["options"]] == [
        ("<a>", True),
        ("<link>", False),
        ("<href>", False),
    ]
    # What was imported grades as the file meant it, through part 1's scoring.
    right = content["options"][0]["key"]
    assert scoring.grade(content, right).fraction == 1.0
    colours = Question.objects.get(pk=by_name["Pick the colours"]["question_id"]).current_version.content
    assert colours["type"] == "multiple"
    assert colours["settings"]["multiple_scoring"] == "weights"
    keys = [o["key"] for o in colours["options"]]
    assert scoring.grade(colours, keys[:2]).fraction == pytest.approx(1.0)
    assert scoring.grade(colours, [keys[0]]).fraction == pytest.approx(0.5)
    pi = Question.objects.get(pk=by_name["Pi"]["question_id"]).current_version.content
    assert scoring.grade(pi, "3.144").fraction == 1.0
    assert scoring.grade(pi, "3.2").fraction == 0.0
    short = Question.objects.get(pk=by_name["Short"]["question_id"]).current_version.content
    assert scoring.grade(short, "colour").fraction == 1.0
    truth = Question.objects.get(pk=by_name["Truth"]["question_id"]).current_version.content
    false_key = [o["key"] for o in truth["options"] if o["text"] == "False"][0]
    assert scoring.grade(truth, false_key).fraction == 1.0


def test_the_same_file_again_updates_instead_of_duplicating(auth_client, teacher, course):
    client = auth_client(teacher)
    assert upload(client, GIFT.encode(), course_id=course.pk).status_code == 201
    again = upload(client, GIFT.encode(), course_id=course.pk)
    assert again.status_code == 201
    assert (again.json()["created_count"], again.json()["updated_count"]) == (0, 9)
    assert bank_size(course) == 9


def test_moodle_xml_import_cleans_html_and_keeps_points_and_tags(auth_client, teacher, course):
    from learning.assessments.models import Question

    xml = XML.replace("Which selector matches", "<script>alert(1)</script>Which selector matches")
    response = upload(auth_client(teacher), xml.encode(), name="bank.xml", course_id=course.pk)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["format"] == "moodle_xml"
    assert (body["created_count"], body["not_mapped_count"]) == (6, 3)
    rows = {row["name"]: row for row in body["questions"]}
    assert any("penalty" in d for d in rows["Selector"]["dropped"])
    assert any("Units" in d for d in rows["Pixels"]["dropped"])
    selector = Question.objects.get(pk=rows["Selector"]["question_id"])
    assert "<script" not in selector.stem  # its text stays, as inert text
    assert "<code>.a</code>" in selector.stem
    assert selector.points == 2.0
    assert set(selector.tags.names()) == {"css", "selectors", "CSS"}
    ordering = Question.objects.get(pk=rows["Box model"]["question_id"])
    assert [o.text for o in ordering.options.all()] == ["content", "padding", "border", "margin"]


def test_a_question_the_bank_refuses_is_reported_and_the_rest_written(auth_client, teacher, course):
    data = (
        b"<quiz><question type='multichoice'><name><text>Two right</text></name>"
        b"<questiontext><text>x</text></questiontext><single>true</single>"
        b"<answer fraction='100'><text>a</text></answer><answer fraction='100'><text>b</text></answer>"
        b"</question><question type='truefalse'><name><text>Fine</text></name>"
        b"<questiontext><text>y</text></questiontext>"
        b"<answer fraction='100'><text>true</text></answer><answer fraction='0'><text>false</text></answer>"
        b"</question></quiz>"
    )
    response = upload(auth_client(teacher), data, name="x.xml", course_id=course.pk)
    assert response.status_code == 201
    rows = {row["name"]: row for row in response.json()["questions"]}
    assert rows["Two right"]["status"] == "invalid"
    assert rows["Two right"]["question_id"] is None
    assert any("exactly one" in e for e in rows["Two right"]["errors"])
    assert rows["Fine"]["status"] == "created"
    assert bank_size(course) == 1


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (GIFT.encode() + b"\n\n::Broken::A question {=yes ~no", "bank.gift", "malformed"),
        (BILLION_LAUGHS, "bank.xml", "forbidden_xml"),
        (XML.encode()[:-20], "bank.xml", "malformed"),
        ("Q {=a ~b}".encode("utf-16"), "bank.gift", "invalid_unicode"),
    ],
)
def test_malformed_files_write_nothing(auth_client, teacher, course, data, name, code):
    response = upload(auth_client(teacher), data, name=name, course_id=course.pk)
    assert_error(response, 400, code, "file")
    assert bank_size(course) == 0


def test_dry_run_writes_nothing(auth_client, teacher, course):
    response = upload(auth_client(teacher), GIFT.encode(), course_id=course.pk, dry_run="true")
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True and body["created_count"] == 9
    assert all(row["question_id"] is None for row in body["questions"])
    assert bank_size(course) == 0


def test_limits_and_bad_input(auth_client, teacher, course, settings):
    client = auth_client(teacher)
    settings.QUESTION_IMPORT_MAX_BYTES = 100
    assert_error(upload(client, GIFT.encode(), course_id=course.pk), 400, "too_large", "file")
    settings.QUESTION_IMPORT_MAX_BYTES = 10_000
    settings.QUESTION_IMPORT_MAX_QUESTIONS = 3
    assert_error(upload(client, GIFT.encode(), course_id=course.pk), 400, "too_many", "file")
    assert bank_size(course) == 0
    assert_error(client.post(URL, {"course_id": course.pk}, format="multipart"), 400, "required", "file")
    assert_error(
        upload(client, b"Q {=a ~b}", course_id=course.pk, format="csv"), 400, "invalid_choice", "format"
    )
    assert_error(upload(client, b"Q {=a ~b}", course_id=course.pk, colour="red"), 400, "unknown_field")
    assert_error(upload(client, b"Q {=a ~b}", course_id="abc"), 400, "invalid", "course_id")


def test_who_may_import_where(auth_client, student, teacher, other_teacher, admin_user, course):
    assert_error(upload(auth_client(None), b"Q {=a ~b}", course_id=course.pk), 401, "not_authenticated")
    assert_error(upload(auth_client(student), b"Q {=a ~b}", course_id=course.pk), 403, "permission_denied")
    assert_error(
        upload(auth_client(other_teacher), b"Q {=a ~b}", course_id=course.pk),
        400,
        "does_not_exist",
        "course_id",
    )
    # The site-wide bank (no course): admins only.
    assert_error(upload(auth_client(teacher), b"Q {=a ~b}"), 403, "permission_denied")
    assert upload(auth_client(admin_user), b"Q {=a ~b}").status_code == 201
    assert bank_size(None) == 1
    assert upload(auth_client(admin_user), b"Q {=a ~b}", course_id=course.pk).status_code == 201
    assert bank_size(course) == 1
