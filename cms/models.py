from wagtail.models import Page


class CourseIndexPage(Page):
    """The catalog root: every course lives under one of these.

    Courses, modules and lessons are Wagtail pages so authors get the editor,
    revisions, scheduled publishing and moderation workflows for free
    (https://docs.wagtail.org/en/stable/topics/pages.html).
    """

    subpage_types: list[str] = []
    max_count = 1
