"""Who may see which recording. Every read of a recording by id goes through
`recording_get_for_user`, which raises Http404 (never 403) for anything the caller may
not see, so an unpublished recording's existence does not leak.

* admins: every recording;
* teachers: every recording (any status) of a course they may edit
  (cms.selectors.courses_editable_by), plus what a learner sees;
* learners (a verified, active account): published recordings of a published course
  (live, with live ancestors), and, when linked to a lesson, of a published lesson.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from learning.accounts.permissions import user_may_learn
from learning.accounts.roles import Role, user_has_role

from .models import Recording


def _published_visible_q() -> Q:
    from cms.models import CoursePage, LessonPage
    from cms.permissions import COURSE_DEPTH, LESSON_DEPTH
    from cms.selectors import with_live_ancestors

    live_courses = with_live_ancestors(CoursePage.objects.live().filter(depth=COURSE_DEPTH), COURSE_DEPTH)
    live_lessons = with_live_ancestors(LessonPage.objects.live().filter(depth=LESSON_DEPTH), LESSON_DEPTH)
    return (
        Q(is_published=True)
        & Q(course__in=live_courses.values("pk"))
        & (Q(lesson__isnull=True) | Q(lesson__in=live_lessons.values("pk")))
    )


def recordings_manageable_by(*, user) -> QuerySet[Recording]:
    """Recordings the user may manage (edit, upload to, see in any status): all for an
    admin, those of owned courses for a teacher, none for anyone else."""
    from cms.selectors import courses_editable_by

    if user is None or not user.is_authenticated or not user.is_active:
        return Recording.objects.none()
    if user_has_role(user, Role.ADMIN):
        return Recording.objects.all()
    if not user_has_role(user, Role.TEACHER):
        return Recording.objects.none()
    return Recording.objects.filter(course__in=courses_editable_by(user=user).values("pk"))


def recordings_visible_to(*, user) -> QuerySet[Recording]:
    """Every recording the user may see (learner view or management view)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Recording.objects.none()
    if user_has_role(user, Role.ADMIN):
        return Recording.objects.all()
    visible = _published_visible_q() if user_may_learn(user) else Q(pk__in=[])
    if user_has_role(user, Role.TEACHER):
        from cms.selectors import courses_editable_by

        visible |= Q(course__in=courses_editable_by(user=user).values("pk"))
    return Recording.objects.filter(visible)


def recording_visible_to_learners(*, recording_id: int) -> tuple[int, int | None] | None:
    """(course id, lesson id) of the recording when learners may see it (the learner
    rule above, the same for every learner), else None. One query."""
    return (
        Recording.objects.filter(_published_visible_q(), pk=recording_id)
        .values_list("course_id", "lesson_id")
        .first()
    )


def recording_get_for_user(*, user, recording_id: int) -> Recording:
    """The recording if the user may see it (see the module docstring), else Http404."""
    recording = recordings_visible_to(user=user).filter(pk=recording_id).first()
    if recording is None:
        raise Http404("No such recording.")
    return recording


def recording_get_for_manager(*, user, recording_id: int) -> Recording:
    """The recording if the user may manage it, else Http404."""
    recording = recordings_manageable_by(user=user).filter(pk=recording_id).first()
    if recording is None:
        raise Http404("No such recording.")
    return recording
