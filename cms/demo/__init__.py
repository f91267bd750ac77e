"""Demo content: the "Web basics" course, written as an import document
(web_basics.json) and loaded through the same import service authors use, then
published through the Course review workflow: submitted by the demo teacher,
approved by the demo admin."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model

from cms import selectors, services
from cms.models import CoursePage

WEB_BASICS = Path(__file__).with_name("web_basics.json")
TEACHER_EMAIL = "teacher@mrict.local"
ADMIN_EMAIL = "admin@mrict.local"


def load() -> list[str]:
    """Idempotent: an existing course with the demo's slug is left as it is."""
    document = json.loads(WEB_BASICS.read_text(encoding="utf-8"))
    index = selectors.course_index_get()
    existing = CoursePage.objects.child_of(index).filter(slug=document["slug"]).first()
    if existing is not None:
        return [f"Course '{existing.title}' already there (page id {existing.pk})."]
    User = get_user_model()
    teacher = User.objects.get(email__iexact=TEACHER_EMAIL)
    admin = User.objects.get(email__iexact=ADMIN_EMAIL)
    course = services.course_import(user=teacher, document=document, submit=True)
    page_ids = set(course.get_descendants(inclusive=True).values_list("pk", flat=True))
    approved = 0
    for item in selectors.moderation_items_for_user(user=admin):
        if int(item.workflow_state.object_id) in page_ids:
            services.moderation_approve(user=admin, task_state_id=item.pk, comment="Demo content approved.")
            approved += 1
    lessons = selectors.published_lessons_of_course(course).count()
    return [
        f"Course '{course.title}' (page id {course.pk}): submitted by {teacher.email}, "
        f"{approved} pages approved by {admin.email}; {lessons} published lessons."
    ]
