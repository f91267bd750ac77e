"""Progress ingest: sustained batches of 100 events (target: >= 5,000 events/s)."""

from scenarios import Context, Scenario


def enroll_student(ctx: Context) -> None:
    from django.contrib.auth import get_user_model

    from cms.models import CoursePage
    from cms.selectors import published_lessons_of_course
    from learning.progress.services import enrollment_create

    student = get_user_model().objects.get(email="student@mrict.local")
    if not student.email_verified:  # a save keeps the user out of the user cache for 10 s
        student.email_verified = True
        student.save(update_fields=["email_verified"])
    course = CoursePage.objects.live().order_by("path").first()
    if course is None:
        raise SystemExit("the bench database has no published course: load_demo did not build one")
    enrollment_create(user=student, course=course)
    lessons = list(published_lessons_of_course(course).values_list("id", flat=True))
    ctx.data["lesson_ids"] = ",".join(map(str, lessons))
    ctx.data["course_id"] = course.pk
    ctx.data["batch"] = 100


def enroll_learners(ctx: Context) -> None:
    """16 verified learners enrolled in the demo course, their tokens for the Lua script."""
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    from cms.models import CoursePage
    from learning.progress.services import enrollment_create

    enroll_student(ctx)
    course = CoursePage.objects.get(pk=ctx.data["course_id"])
    tokens = []
    for i in range(16):
        user, _ = get_user_model().objects.get_or_create(
            email=f"bench-learner-{i}@mrict.local", defaults={"email_verified": True}
        )
        enrollment_create(user=user, course=course)
        tokens.append(str(AccessToken.for_user(user)))
    ctx.data["tokens"] = ",".join(tokens)
    # Ingest slows down as the event log outgrows PostgreSQL's buffers (random UUIDs in
    # the unique index): say how big it is, so runs can be compared (--fresh-db resets).
    from learning.progress.models import ProgressEvent

    print(f"[bench]   the event log holds {ProgressEvent.objects.count():,} events", flush=True)


SCENARIOS = [
    Scenario(
        "progress: ingest batches of 100 events",
        "/api/v1/progress/events/",
        method="POST",
        lua="progress_batch.lua",
        connections=8,
        units=100,
        unit_name="events",
        setup=enroll_learners,
    ),
    Scenario(
        "progress: my courses",
        "/api/v1/me/courses/",
        user="student",
        setup=enroll_student,
    ),
    Scenario(
        "progress: resume",
        lambda ctx: f"/api/v1/courses/{ctx.data['course_id']}/resume/",
        user="student",
        setup=enroll_student,
    ),
]
