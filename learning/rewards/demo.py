"""Demo rewards (a DEMO_LOADERS step, after the cms, coding and assessments loaders):
the default XP rules and a few badges on the demo course. Idempotent: rules are keyed
by their event and badges by their slug; existing ones (perhaps edited in Wagtail) are
left as they are."""

from __future__ import annotations

DEFAULT_RULES = [
    # event, points, per-item cap, daily cap, description
    ("lesson_completed", 10, 1, 200, "Each lesson completed, once per lesson."),
    ("challenge_passed", 25, 1, 250, "Each challenge passed, the first time only."),
    ("quiz_passed", 50, 1, None, "Each quiz passed, once per quiz, scaled by the grade."),
    ("course_completed", 200, 1, None, "Each course completed."),
    ("streak_day", 5, 1, 5, "Each day that extends a daily streak."),
]


def rules_ensure() -> int:
    from .models import XpRule

    created = 0
    for event, points, per_item, daily, description in DEFAULT_RULES:
        _, made = XpRule.objects.get_or_create(
            event=event,
            defaults={
                "points": points,
                "per_item_cap": per_item,
                "daily_cap": daily,
                "description": description,
            },
        )
        created += made
    return created


def _demo_course():
    from cms.models import CoursePage

    return (
        CoursePage.objects.live().filter(slug="web-basics").first()
        or CoursePage.objects.live().order_by("path").first()
    )


def load() -> list[str]:
    from cms.models import ModulePage
    from learning.coding.models import Challenge

    from .models import Badge, BadgeCriteria

    lines = [f"XP rules: {rules_ensure()} created ({len(DEFAULT_RULES)} defaults)."]
    course = _demo_course()
    badges = [
        {
            "slug": "first-steps",
            "name": "First steps",
            "description": "Completed a first lesson.",
            "criteria": BadgeCriteria.EVENT_COUNT,
            "event_type": "lesson_completed",
            "threshold": 1,
        },
        {
            "slug": "ten-lessons",
            "name": "Ten lessons",
            "description": "Completed ten lessons.",
            "criteria": BadgeCriteria.EVENT_COUNT,
            "event_type": "lesson_completed",
            "threshold": 10,
        },
        {
            "slug": "three-day-streak",
            "name": "Three days in a row",
            "description": "Learned on three days in a row.",
            "criteria": BadgeCriteria.STREAK_LENGTH,
            "threshold": 3,
        },
        {
            "slug": "quiz-ace",
            "name": "Quiz ace",
            "description": "Passed a quiz with a grade of 90% or more.",
            "criteria": BadgeCriteria.QUIZ_SCORE,
            "threshold": 90,
        },
    ]
    if course is not None:
        badges.append(
            {
                "slug": f"{course.slug}-graduate"[:80],
                "name": f"{course.title} graduate"[:120],
                "description": f"Completed the course {course.title}.",
                "criteria": BadgeCriteria.COURSE_COMPLETED,
                "course": course,
            }
        )
        module = next(
            (
                m
                for m in ModulePage.objects.child_of(course).live().order_by("path")
                if Challenge.objects.filter(lesson__path__startswith=m.path).exists()
            ),
            None,
        )
        if module is not None:
            badges.append(
                {
                    "slug": f"{module.slug}-challenger"[:80],
                    "name": f"{module.title}: every challenge"[:120],
                    "description": f"Passed every challenge of the module {module.title}.",
                    "criteria": BadgeCriteria.MODULE_CHALLENGES,
                    "module": module,
                }
            )
    created = 0
    for spec in badges:
        slug = spec.pop("slug")
        _, made = Badge.objects.get_or_create(slug=slug, defaults=spec)
        created += made
    lines.append(f"Badges: {created} created ({len(badges)} demo badges).")
    return lines
