"""Demo challenges on the demo course ("Web basics"): loaded after the cms loader,
through the same import service and JSON shape teachers use (so each reference solution
is checked against its tests in the sandbox). Idempotent."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from cms.models import CoursePage, LessonPage
from learning.coding import services
from learning.coding.models import Challenge

CHALLENGES = Path(__file__).with_name("challenges.json")
TEACHER_EMAIL = "teacher@mrict.local"


def load() -> list[str]:
    course = CoursePage.objects.live().order_by("path").first()
    if course is None:
        return ["No course to put demo challenges on (the cms loader did not run)."]
    if Challenge.objects.filter(course=course).exists():
        return [f"Demo challenges already on '{course.title}'."]
    lessons = list(LessonPage.objects.descendant_of(course).live().order_by("path"))
    if not lessons:
        return [f"'{course.title}' has no lesson for the demo challenges."]
    teacher = get_user_model().objects.filter(email__iexact=TEACHER_EMAIL).first()
    items = json.loads(CHALLENGES.read_text(encoding="utf-8"))
    skipped = []
    for item in list(items):
        needs_browser = any("getComputedStyle" in t.get("code", "") for t in item["tests"])
        if needs_browser and not Path(settings.WEB_BROWSER_PATH).exists():
            # its style tests need Chromium (docs/web-challenges.md): `make run` works without
            items.remove(item)
            skipped.append(item["title"])
            continue
        if "lesson_from_start" in item:
            # web challenges go on the HTML / CSS lessons at the start
            item["lesson_id"] = lessons[min(len(lessons) - 1, item.pop("lesson_from_start"))].pk
            continue
        # attach them to the course's last lessons (the JavaScript part)
        item["lesson_id"] = lessons[max(0, len(lessons) - 1 - item.pop("lesson_from_end", 0))].pk
    imported = services.challenge_import(user=teacher, items=items)
    notes = [f"Skipped (no Chromium at {settings.WEB_BROWSER_PATH}): {title}" for title in skipped]
    return [
        f"{len(imported)} demo challenges on '{course.title}': "
        + ", ".join(row.challenge.title for row in imported)
    ] + notes
