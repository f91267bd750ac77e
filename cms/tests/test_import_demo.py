"""Course import (service, API, command) and the demo course."""

import copy
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page

from cms.demo import WEB_BASICS
from cms.models import CoursePage, LessonPage, ModulePage
from cms.selectors import published_lessons_of_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def web_basics():
    return json.loads(WEB_BASICS.read_text())


def tree():
    return list(Page.objects.order_by("path").values_list("path", "title", "live"))


def test_import_api_creates_drafts_in_order(course_index, auth_client, teacher, web_basics):
    response = auth_client(teacher).post("/api/v1/authoring/import/", web_basics, format="json")
    assert response.status_code == 201, response.content
    course = CoursePage.objects.get(pk=response.json()["id"])
    assert not course.live and list(course.owners.all()) == [teacher]
    assert [m.title for m in ModulePage.objects.child_of(course).order_by("path")] == [
        m["title"] for m in web_basics["modules"]
    ]
    lessons = LessonPage.objects.descendant_of(course).order_by("path")
    assert lessons.count() == sum(len(m["lessons"]) for m in web_basics["modules"])
    assert lessons.get(slug="box-model").starter_files()[1]["name"] == "style.css"
    assert not lessons.get(slug="events").required


def test_import_with_submit_puts_everything_in_review(
    course_index, auth_client, teacher, admin_user, web_basics
):
    response = auth_client(teacher).post("/api/v1/authoring/import/?submit=true", web_basics, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "in review"
    assert auth_client(admin_user).get("/api/v1/moderation/").json()["count"] == 14  # 1 + 3 + 10


def test_bad_import_is_400_and_writes_nothing(course_index, auth_client, teacher, web_basics):
    client = auth_client(teacher)
    before = tree()
    bad = copy.deepcopy(web_basics)
    bad["modules"][2]["lessons"][1]["body"].append({"type": "blink", "value": "x"})
    response = client.post("/api/v1/authoring/import/", bad, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["attr"] == "modules.2.lessons.1.body.4.type"
    missing = copy.deepcopy(web_basics)
    del missing["modules"][0]["lessons"][0]["title"]
    response = client.post("/api/v1/authoring/import/", missing, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "modules.0.lessons.0.title"
    unknown = {**web_basics, "colour": "red"}
    assert client.post("/api/v1/authoring/import/", unknown, format="json").status_code == 400
    assert client.post("/api/v1/authoring/import/", [1, 2], format="json").status_code == 400
    assert tree() == before


def test_import_command(course_index, teacher, tmp_path, web_basics):
    path = tmp_path / "course.json"
    path.write_text(json.dumps({**web_basics, "slug": "from-git"}))
    out = StringIO()
    call_command("import_course", str(path), "--user", teacher.email, stdout=out)
    assert "Imported 'Web basics'" in out.getvalue()
    assert CoursePage.objects.filter(slug="from-git").exists()
    path.write_text(json.dumps({"title": ""}))
    with pytest.raises(CommandError):
        call_command("import_course", str(path), "--user", teacher.email)
    # --user goes through the one email rule: any case finds the teacher, a look-alike
    # (long s; PostgreSQL's case-insensitive match folded it into "s") finds no one
    path.write_text(json.dumps({**web_basics, "slug": "by-upper-case"}))
    call_command("import_course", str(path), "--user", teacher.email.upper(), stdout=out)
    assert CoursePage.objects.filter(slug="by-upper-case").exists()
    assert teacher.email.endswith(".test")
    with pytest.raises(CommandError, match="No user"):
        call_command("import_course", str(path), "--user", teacher.email[:-2] + "\u017ft")


def test_demo_loader_publishes_web_basics_through_the_workflow(db, auth_client):
    from learning.accounts.demo import load as load_users
    from site_config.demo import load_site

    load_site()
    load_users()
    out = StringIO()
    call_command("load_demo", stdout=out)
    course = CoursePage.objects.get(slug="web-basics")
    assert course.live
    assert published_lessons_of_course(course).count() >= 9
    assert course.owners.filter(email="teacher@mrict.local").exists()
    # published by the workflow: every page's last workflow state is approved
    assert all(
        page.workflow_states.order_by("-created_at").first().status == "approved"
        for page in course.get_descendants(inclusive=True).specific()
    )
    call_command("load_demo", stdout=StringIO())  # idempotent
    assert CoursePage.objects.filter(slug="web-basics").count() == 1
    from django.contrib.auth import get_user_model

    student = get_user_model().objects.get(email="student@mrict.local")
    assert auth_client(student).get(f"/api/v1/courses/{course.pk}/").json()["lesson_count"] == 10


def test_demo_document_matches_the_published_json_schema(web_basics):
    from pathlib import Path

    import jsonschema

    schema = json.loads(
        (Path(__file__).resolve().parents[2] / "docs" / "course-import.schema.json").read_text()
    )
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(web_basics, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**web_basics, "level": "expert"}, schema)
