"""Content fixtures, loaded for the whole suite by the root conftest (`pytest_plugins`):
the catalog page and a course builder that goes through the real services (draft
revisions by the teacher, publication by an admin)."""

import pytest


def ensure_course_index():
    """The catalog page as the default site's root (what load_demo's load_site makes)."""
    from wagtail.models import Page, Site

    from cms.models import CourseIndexPage

    index = CourseIndexPage.objects.first()
    if index is None:
        index = Page.get_first_root_node().add_child(
            instance=CourseIndexPage(title="Courses", slug="courses")
        )
        index.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": index}
    )
    return index


@pytest.fixture
def course_index(db):
    return ensure_course_index()


def course_build(
    *, owner, admin=None, modules=1, lessons_per_module=1, publish=True, title="Course", **fields
):
    """A course through the real services: drafts by `owner`, published by `admin`."""
    from cms import services

    fields.setdefault("summary", f"About {title}")
    fields.setdefault("tags", ["html"])
    course = services.course_create(user=owner, title=title, **fields)
    for m in range(modules):
        module = services.module_create(user=owner, parent=course, title=f"{title} module {m + 1}")
        for n in range(lessons_per_module):
            services.lesson_create(
                user=owner,
                parent=module,
                title=f"{title} lesson {m + 1}.{n + 1}",
                body=lesson_body(n),
                starter_files=[{"name": "index.html", "language": "html", "content": "<p></p>"}],
            )
    if publish:
        services.page_publish(user=admin, page=course, include_descendants=True)
    course.refresh_from_db()
    return course


def lesson_body(n=0):
    return [
        {"type": "heading", "value": {"text": f"Part {n}", "level": "h2"}},
        {"type": "rich_text", "value": f"<p>Lesson {n} text with <b>bold</b>.</p>"},
        {"type": "code", "value": {"language": "html", "code": "<h1>Hi</h1>", "caption": ""}},
        {"type": "callout", "value": {"kind": "tip", "title": "Tip", "text": "<p>Try it.</p>"}},
    ]


@pytest.fixture
def build_course(course_index, teacher, admin_user):
    """build_course(modules=3, lessons_per_module=1, owner=teacher, publish=True, **course_fields)"""

    def make(modules=1, lessons_per_module=1, owner=None, publish=True, title="Course", **fields):
        return course_build(
            owner=owner or teacher,
            admin=admin_user,
            modules=modules,
            lessons_per_module=lessons_per_module,
            publish=publish,
            title=title,
            **fields,
        )

    return make
