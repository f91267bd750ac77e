"""What a cached body holds: the learner API's own selectors and serializers, run once
on a miss (or by the warm-up job). Nothing of the caller goes in: the render has no
user, the selectors apply the learner visibility rule (Http404 for drafts and
unpublished pages), and attachment links get a marker the cache fills per caller."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest, QueryDict


class _CatalogRequest(HttpRequest):
    """A GET of the catalog at a base URL, for the paginator's absolute links."""

    def __init__(self, base_url: str, query: str):
        super().__init__()
        parts = urlsplit(base_url)
        self._scheme = parts.scheme
        self.method = "GET"
        self.path = self.path_info = "/api/v1/courses/"
        self.META = {"HTTP_HOST": parts.netloc, "QUERY_STRING": query, "REQUEST_METHOD": "GET"}
        self.GET = QueryDict(query)

    def _get_scheme(self):
        return self._scheme


def catalog_data(base_url: str, query: str) -> dict:
    """The paginated catalog for this query (the view's own get_queryset, paginator and
    serializer); raises the view's errors (400 bad level, 404 past the last page)."""
    from rest_framework.request import Request

    from cms.api.views import CourseListView

    view = CourseListView()
    view.request = Request(_CatalogRequest(base_url, query))
    view.args, view.kwargs, view.format_kwarg = (), {}, None
    return view.list(view.request).data


def course_data(course_id: int) -> dict:
    from cms import selectors
    from cms.api import serializers as s
    from cms.api import shaping

    course = selectors.course_get_for_user(user=None, course_id=course_id)
    return s.CourseDetailSerializer(shaping.course_with_outline(course)).data


def lesson_data(lesson_id: int, *, document_url) -> dict:
    from cms import selectors
    from cms.api import serializers as s
    from cms.api import shaping

    lesson = selectors.lesson_get_for_user(user=None, lesson_id=lesson_id)
    return s.LessonDetailSerializer(shaping.lesson_detail(lesson, document_url=document_url)).data
