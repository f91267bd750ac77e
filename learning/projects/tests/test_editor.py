"""Project templates in the Wagtail editor: teachers and admins see the snippet and
author a template with its files; a file path goes through the shared path rule;
learners have no editor access."""

import pytest
from django.test import Client
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from ..models import ProjectTemplate

pytestmark = pytest.mark.django_db

ADD = "/admin/snippets/projects/projecttemplate/add/"
LIST = "/admin/snippets/projects/projecttemplate/"


def form(files, course=""):
    rows = [
        {"path": path, "content": content, "ORDER": n, "id": ""} for n, (path, content) in enumerate(files)
    ]
    return nested_form_data(
        {
            "title": "Portfolio starter",
            "description": "A page about you.",
            "course": course,
            "files": inline_formset(rows),
        }
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["teacher", "admin_user"])
def test_authors_create_a_template_with_its_files(role, request, build_course):
    client = logged_in(request.getfixturevalue(role))
    assert client.get(LIST).status_code == 200
    assert "Project templates" in client.get("/admin/").content.decode()
    course = build_course(title="Web")
    files = [("index.html", "<h1>Me</h1>"), ("css/site.css", "h1{}")]
    response = client.post(ADD, form(files, course=course.pk))
    assert response.status_code == 302, response.content.decode()[-3000:]
    template = ProjectTemplate.objects.get()
    assert template.course_id == course.pk
    assert sorted(template.file_list(), key=lambda f: f["path"]) == [
        {"path": "css/site.css", "content": "h1{}"},
        {"path": "index.html", "content": "<h1>Me</h1>"},
    ]


@pytest.mark.parametrize("path", ["../evil.html", "/abs.html", "CON.html", "run.exe", "a\\b.html"])
def test_a_bad_file_path_is_refused_in_the_editor(teacher, path):
    response = logged_in(teacher).post(ADD, form([(path, "x")]))
    assert response.status_code == 200  # the form again, with the error
    assert "error" in response.content.decode().lower()
    assert not ProjectTemplate.objects.exists()


def test_learners_have_no_editor(student):
    response = logged_in(student).get(LIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_files_that_clash_together_are_refused_in_the_editor(teacher):
    response = logged_in(teacher).post(ADD, form([("index.html", "a"), ("INDEX.html", "b")]))
    assert response.status_code == 200
    assert "same name once case is ignored" in response.content.decode()
    assert not ProjectTemplate.objects.exists()
