"""Authoring services: revisions, permissions, workflow and validation."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import Page, WorkflowState

from cms import services
from cms.models import CoursePage, LessonPage, ModulePage
from cms.permissions import user_can_edit_course
from cms.selectors import course_get_for_user, lesson_get_for_user, published_lessons_of_course

pytestmark = pytest.mark.django_db


def test_course_create_makes_teacher_owner_and_a_draft_revision(course_index, teacher, other_teacher):
    course = services.course_create(user=teacher, title="Web", summary="s", tags=["html", "css"])
    course = CoursePage.objects.get(pk=course.pk)
    assert not course.live
    assert course.revisions.count() == 1
    assert course.get_latest_revision().user == teacher
    assert list(course.owners.all()) == [teacher]
    assert user_can_edit_course(teacher, course)
    assert not user_can_edit_course(other_teacher, course)
    assert sorted(t.name for t in course.tags.all()) == ["css", "html"]


def test_other_teacher_cannot_edit_or_add_in_a_course_they_do_not_own(build_course, other_teacher, teacher):
    course = build_course(publish=False)
    module = ModulePage.objects.child_of(course).get()
    assert not course.permissions_for_user(other_teacher).can_edit()
    assert not module.permissions_for_user(other_teacher).can_add_subpage()
    assert module.permissions_for_user(teacher).can_add_subpage()
    with pytest.raises(PermissionDenied):
        services.lesson_create(user=other_teacher, parent=module, title="Intruder")
    assert LessonPage.objects.child_of(module).count() == 1


def test_lesson_under_course_is_rejected_and_tree_unchanged(build_course, teacher):
    course = build_course(publish=False)
    before = list(Page.objects.values_list("path", flat=True).order_by("path"))
    with pytest.raises(ValidationError) as exc:
        services.lesson_create(user=teacher, parent=course, title="Misplaced")
    assert "parent" in exc.value.message_dict
    lesson = LessonPage.objects.first()
    with pytest.raises(ValidationError):
        services.lesson_update(user=teacher, lesson=lesson, parent=course)
    assert list(Page.objects.values_list("path", flat=True).order_by("path")) == before


def test_unknown_block_type_names_the_position(build_course, teacher):
    course = build_course(publish=False)
    module = ModulePage.objects.child_of(course).get()
    with pytest.raises(ValidationError) as exc:
        services.lesson_create(
            user=teacher,
            parent=module,
            title="X",
            body=[{"type": "rich_text", "value": "<p>a</p>"}, {"type": "nope"}],
        )
    assert "body.1.type" in exc.value.message_dict


def test_rich_text_is_sanitized(build_course, teacher):
    course = build_course(publish=False)
    module = ModulePage.objects.child_of(course).get()
    lesson = services.lesson_create(
        user=teacher,
        parent=module,
        title="XSS",
        body=[
            {"type": "rich_text", "value": '<p>a<script>alert(1)</script><a href="javascript:x">l</a></p>'}
        ],
    )
    html = LessonPage.objects.get(pk=lesson.pk).body[0].value.source
    assert "<script" not in html and "javascript:" not in html


def test_workflow_submit_approve_publishes(build_course, teacher, admin_user, student):
    course = build_course(publish=False)
    services.page_submit_for_review(user=teacher, page=course, include_descendants=True)
    course.refresh_from_db()
    assert course.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    from cms.selectors import moderation_items_for_user

    items = list(moderation_items_for_user(user=admin_user))
    assert len(items) == 3  # course, module, lesson
    assert list(moderation_items_for_user(user=teacher)) == []
    for item in items:
        services.moderation_approve(user=admin_user, task_state_id=item.pk)
    assert course_get_for_user(user=student, course_id=course.pk).pk == course.pk
    assert published_lessons_of_course(course).count() == 1


def test_reject_needs_comment_and_resubmit_resumes(build_course, teacher, admin_user):
    course = build_course(publish=False, modules=0)
    services.page_submit_for_review(user=teacher, page=course)
    from cms.selectors import moderation_items_for_user

    item = moderation_items_for_user(user=admin_user).get()
    with pytest.raises(ValidationError):
        services.moderation_reject(user=admin_user, task_state_id=item.pk, comment=" ")
    services.moderation_reject(user=admin_user, task_state_id=item.pk, comment="Add a summary")
    course.refresh_from_db()
    assert course.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    services.course_update(user=teacher, course=course, summary="Better", submit=True)
    course.refresh_from_db()
    assert course.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_unpublishing_course_hides_lessons_at_once(build_course, admin_user, student):
    course = build_course(modules=2, lessons_per_module=2)
    lesson = published_lessons_of_course(course).first()
    assert lesson_get_for_user(user=student, lesson_id=lesson.pk)
    services.page_unpublish(user=admin_user, page=course, include_descendants=False)
    from django.http import Http404

    with pytest.raises(Http404):
        course_get_for_user(user=student, course_id=course.pk)
    with pytest.raises(Http404):
        lesson_get_for_user(user=student, lesson_id=lesson.pk)
    assert LessonPage.objects.get(pk=lesson.pk).live  # the lesson itself is still marked live


def test_owners_survive_publishing_an_older_revision(build_course, teacher, other_teacher, admin_user):
    course = build_course(publish=False, modules=0)
    services.course_owners_set(actor=admin_user, course=course, owners=[teacher.pk, other_teacher.pk])
    services.page_publish(user=admin_user, page=course)
    assert set(CoursePage.objects.get(pk=course.pk).owners.all()) == {teacher, other_teacher}
    from django.contrib.auth.models import AnonymousUser  # noqa: F401

    with pytest.raises(PermissionDenied):
        services.course_owners_set(actor=teacher, course=course, owners=[teacher.pk])


def test_owners_must_be_teachers(build_course, admin_user, student):
    course = build_course(publish=False, modules=0)
    with pytest.raises(ValidationError):
        services.course_owners_set(actor=admin_user, course=course, owners=[student.pk])


def test_starter_files_contract(build_course):
    course = build_course()
    lesson = published_lessons_of_course(course).get()
    assert lesson.starter_files() == [{"name": "index.html", "language": "html", "content": "<p></p>"}]
