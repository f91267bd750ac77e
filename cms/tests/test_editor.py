"""The Wagtail editor itself (Django test client, real admin views): ownership follows
what teachers do there, and their rights end at their own courses."""

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import CoursePage, LessonPage, ModulePage

pytestmark = pytest.mark.django_db


def _course_form(title, **extra):
    return nested_form_data(
        {
            "title": title,
            "slug": title.lower().replace(" ", "-"),
            "summary": "Made in the editor",
            "level": "beginner",
            "tags": "html",
            "estimated_hours": "2",
            "prerequisites": rich_text("<p>None</p>"),
            "glossary": streamfield([]),
            "comments": inline_formset([]),
            **extra,
        }
    )


def test_teacher_creating_a_course_in_the_editor_becomes_its_owner(
    client, course_index, teacher, other_teacher
):
    client.force_login(teacher)
    response = client.post(
        f"/admin/pages/add/cms/coursepage/{course_index.pk}/", _course_form("Editor course")
    )
    assert response.status_code == 302, response.content[:2000]
    course = CoursePage.objects.get(slug="editor-course")
    assert list(course.owners.all()) == [teacher]
    assert course.permissions_for_user(teacher).can_edit()
    assert not course.permissions_for_user(other_teacher).can_edit()
    assert not course.permissions_for_user(other_teacher).can_add_subpage()


def test_other_teacher_is_refused_in_the_editor(client, build_course, other_teacher):
    course = build_course(publish=False)
    module = ModulePage.objects.child_of(course).get()
    lesson = LessonPage.objects.child_of(module).get()
    client.force_login(other_teacher)
    for url in (
        f"/admin/pages/{course.pk}/edit/",
        f"/admin/pages/{lesson.pk}/edit/",
        f"/admin/pages/add/cms/lessonpage/{module.pk}/",
        f"/admin/pages/{lesson.pk}/delete/",
    ):
        response = client.get(url)
        # Another teacher's page does not exist for them (cms/editor_scope.py).
        assert response.status_code == 404, (url, response.status_code)
    response = client.post(f"/admin/pages/{lesson.pk}/delete/")
    assert LessonPage.objects.filter(pk=lesson.pk).exists()


def test_admin_sets_owners_in_the_editor(client, build_course, admin_user, other_teacher, teacher):
    course = build_course(publish=False, modules=0)
    client.force_login(admin_user)
    data = _course_form(course.title)
    data["slug"] = course.slug
    data["owners"] = [str(other_teacher.pk)]
    response = client.post(f"/admin/pages/{course.pk}/edit/", data)
    assert response.status_code == 302, response.content[:3000]
    assert set(CoursePage.objects.get(pk=course.pk).owners.all()) == {other_teacher}
    from cms.permissions import user_can_edit_course

    assert user_can_edit_course(other_teacher, course)
    fresh_teacher = type(teacher).objects.get(pk=teacher.pk)  # the answer is memoised per user instance
    assert not user_can_edit_course(fresh_teacher, CoursePage.objects.get(pk=course.pk))
