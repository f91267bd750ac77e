"""The page tree's shape and the model contract other apps rely on."""

import pytest
from wagtail.models import Page

from cms.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from learning.assessments.models import QuizPage

pytestmark = pytest.mark.django_db


def test_tree_structure_is_enforced_by_page_types():
    assert CourseIndexPage.allowed_subpage_models() == [CoursePage]
    assert CoursePage.allowed_parent_page_models() == [CourseIndexPage]
    assert CoursePage.allowed_subpage_models() == [ModulePage]
    assert ModulePage.allowed_subpage_models() == [LessonPage, QuizPage]
    assert LessonPage.allowed_parent_page_models() == [ModulePage]
    assert LessonPage.allowed_subpage_models() == []
    assert not LessonPage.can_create_at(CoursePage())


def test_starter_files_are_plain_dicts_in_author_order():
    root = Page.get_first_root_node()
    index = root.add_child(instance=CourseIndexPage(title="Courses", slug="courses-t"))
    course = index.add_child(instance=CoursePage(title="C", slug="c", summary="s"))
    module = course.add_child(instance=ModulePage(title="M", slug="m"))
    lesson = module.add_child(
        instance=LessonPage(
            title="L",
            slug="l",
            starter_code=[
                ("file", {"name": "index.html", "language": "html", "content": "<h1>Hi</h1>"}),
                ("file", {"name": "script.js", "language": "javascript", "content": ""}),
            ],
        )
    )
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.required is True
    assert lesson.starter_files() == [
        {"name": "index.html", "language": "html", "content": "<h1>Hi</h1>"},
        {"name": "script.js", "language": "javascript", "content": ""},
    ]
