"""Content reads: the catalog and a course with its whole outline (the demo "Web
basics" course, 3 modules / 10 lessons), and one lesson with its rendered body."""

from scenarios import Context, Scenario


def _demo_course_id(ctx: Context) -> int:
    if "content_course_id" not in ctx.data:
        from cms.models import CoursePage

        course = CoursePage.objects.live().filter(slug="web-basics").first()
        if course is None:
            raise SystemExit("the bench database has no 'web-basics' course: load_demo did not build it")
        ctx.data["content_course_id"] = course.pk
    return ctx.data["content_course_id"]


def _demo_lesson_id(ctx: Context) -> int:
    if "content_lesson_id" not in ctx.data:
        from cms.models import CoursePage
        from cms.selectors import published_lessons_of_course

        course = CoursePage.objects.get(pk=_demo_course_id(ctx))
        ctx.data["content_lesson_id"] = published_lessons_of_course(course).values_list("id", flat=True)[1]
    return ctx.data["content_lesson_id"]


SCENARIOS = [
    Scenario("content: catalog", "/api/v1/courses/", user="student", tags=("content",)),
    Scenario(
        "content: catalog search",
        "/api/v1/courses/?search=css&level=beginner",
        user="student",
        tags=("content",),
    ),
    Scenario(
        "content: course detail with outline",
        lambda ctx: f"/api/v1/courses/{_demo_course_id(ctx)}/",
        user="student",
        tags=("content",),
    ),
    Scenario(
        "content: lesson detail",
        lambda ctx: f"/api/v1/lessons/{_demo_lesson_id(ctx)}/",
        user="student",
        tags=("content",),
    ),
]
