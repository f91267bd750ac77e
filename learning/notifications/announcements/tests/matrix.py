"""Setups for the announcements rows of tests/permission_matrix/rows_announcements.py: drafts for
all users (by an admin), for a course of "teacher" and for a course of "other", and
announcements already sent to all users and to the teacher role."""

from cms.tests.fixtures import course_build, ensure_course_index


def announcements(callers) -> dict:
    from django.utils import timezone

    from ..models import Announcement

    ensure_course_index()
    # drafts (not published: quicker to build, and an announcement does not need it)
    mine = course_build(owner=callers["teacher"], publish=False, modules=0, title="Announced")
    theirs = course_build(owner=callers["other"], publish=False, modules=0, title="Theirs")

    def make(status="draft", **fields):
        started = timezone.now() if status == "sent" else None
        return Announcement.objects.create(
            author=callers["admin"],
            title="Hello",
            body="Body",
            channels=["in_app"],
            status=status,
            started_at=started,
            **fields,
        ).pk

    return {
        "ann_course": mine.pk,
        "ann_draft_all": make(target="all"),
        "ann_teacher_draft": make(target="course", course=mine),
        "ann_other_draft": make(target="course", course=theirs),
        "ann_sent_all": make(status="sent", target="all"),
        "ann_sent_teachers": make(status="sent", target="role", role="teacher"),
    }


def organisation(callers) -> dict:
    """An organisation (school) that "student" belongs to, for the organisation target."""
    from learning.accounts.models import Organisation

    school = Organisation.objects.create(name="Matrix School", slug="matrix-school")
    callers["student"].organisation = school
    callers["student"].save(update_fields=["organisation"])
    return {"ann_org": school.pk}
