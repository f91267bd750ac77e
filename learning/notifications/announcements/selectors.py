"""Read queries of announcements: who an announcement reaches, which ones an author may
manage, which ones a learner received. Getters take the caller and answer 404 for what
the caller may not see."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from learning.accounts.roles import Role, user_has_role, user_roles

from .models import Announcement

SENT_OR_SENDING = (Announcement.Status.SENDING, Announcement.Status.SENT)


def audience(announcement: Announcement) -> QuerySet:
    """The active users the announcement is for, as a queryset of users (ids are what the
    fan-out reads, in ascending order, a batch at a time). Subqueries, never joins, so a
    user in several groups appears once."""
    User = get_user_model()
    users = User.objects.filter(is_active=True)
    if announcement.target == Announcement.Target.ROLE:
        members = User.groups.through.objects.filter(group__name=announcement.role).values("user_id")
        condition = Q(pk__in=members)
        if announcement.role == Role.ADMIN:
            condition |= Q(is_superuser=True)  # a superuser counts as admin (roles.py)
        users = users.filter(condition)
    elif announcement.target == Announcement.Target.COURSE:
        from learning.progress.models import Enrollment

        learners = Enrollment.objects.filter(course_id=announcement.course_id, active=True).values("user_id")
        users = users.filter(pk__in=learners)
    elif announcement.target == Announcement.Target.ORGANISATION:
        if announcement.organisation_id is None:
            return users.none()
        # One indexed column of the user row: the fan-out's keyset batches stay a range scan.
        users = users.filter(organisation_id=announcement.organisation_id)
    return users


def announcements_manageable_by(*, user) -> QuerySet[Announcement]:
    """Admins: every announcement. Teachers: those for the courses they may edit (their
    own or a co-owner's). Anyone else: none."""
    queryset = Announcement.objects.select_related("course", "author", "organisation")
    if user_has_role(user, Role.ADMIN):
        return queryset
    if not user_has_role(user, Role.TEACHER):
        return queryset.none()
    from cms.selectors import courses_editable_by

    return queryset.filter(
        target=Announcement.Target.COURSE, course__in=courses_editable_by(user=user).values("pk")
    )


def announcement_get_for_author(*, user, announcement_id: int) -> Announcement:
    announcement = announcements_manageable_by(user=user).filter(pk=announcement_id).first()
    if announcement is None:
        raise Http404("No such announcement.")
    return announcement


def announcements_for_learner(*, user) -> QuerySet[Announcement]:
    """The announcements that went out (or are going out) to an audience the user is in
    now: all users, one of the user's roles, a course the user is enrolled in, the
    user's organisation. Newest first. One query (the roles and the organisation come
    from the request's user, the enrolments are a subquery)."""
    from learning.progress.models import Enrollment

    audience_of_user = Q(target=Announcement.Target.ALL)
    roles = user_roles(user)
    if roles:
        audience_of_user |= Q(target=Announcement.Target.ROLE, role__in=roles)
    courses = Enrollment.objects.filter(user=user, active=True).values("course_id")
    audience_of_user |= Q(target=Announcement.Target.COURSE, course_id__in=courses)
    if getattr(user, "organisation_id", None):
        audience_of_user |= Q(target=Announcement.Target.ORGANISATION, organisation_id=user.organisation_id)
    return (
        Announcement.objects.filter(audience_of_user, status__in=SENT_OR_SENDING)
        .select_related("course", "author", "organisation")
        .order_by("-started_at", "-pk")
    )


def announcement_get_for_learner(*, user, announcement_id: int) -> Announcement:
    announcement = announcements_for_learner(user=user).filter(pk=announcement_id).first()
    if announcement is None:
        raise Http404("No such announcement.")
    return announcement
