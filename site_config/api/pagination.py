from django.conf import settings
from django.core.paginator import Page as DjangoPage
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from wagtail.api.v2.pagination import WagtailPagination


class BoundedPageNumberPagination(PageNumberPagination):
    """`?page=N&page_size=M`, with M capped at API_MAX_PAGE_SIZE."""

    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE


class WagtailOffsetPagination(WagtailPagination):
    """Wagtail API v2's `?offset=&limit=`; an offset at or past the end, however large,
    is an empty page without a query (SQLite cannot hold an OFFSET above 2^63-1)."""

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        if int(request.GET.get("offset", 0)) >= self.total_count:
            return []
        return page


class _Counted:
    """A stand-in object list for Django's Paginator when the count is already known."""

    def __init__(self, total: int):
        self.total = total

    def count(self) -> int:
        return self.total


class WindowPageNumberPagination(BoundedPageNumberPagination):
    """The same `?page=N&page_size=M`, errors and response shape as
    BoundedPageNumberPagination, for a source that returns one page together with the
    total (`fetch(offset, limit) -> (rows, total)`, e.g. `COUNT(*) OVER ()` in the page
    query): one query where DRF's paginator runs a COUNT and then the page."""

    MAX_OFFSET = 2**31

    def paginate_window(self, fetch, request) -> list:
        self.request = request
        page_size = self.get_page_size(request)
        raw = request.query_params.get(self.page_query_param) or 1
        if raw in self.last_page_strings:
            _, total = fetch(0, 1)
            number = max(1, -(-total // page_size))
        else:
            try:
                number = int(raw)
            except (TypeError, ValueError):
                raise self._invalid(raw, "That page number is not an integer") from None
        if number < 1 or (number - 1) * page_size > self.MAX_OFFSET:
            raise self._invalid(raw, "That page contains no results")
        rows, total = fetch((number - 1) * page_size, page_size)
        if not rows and number > 1:  # past the last page (an empty first page is fine)
            raise self._invalid(raw, "That page contains no results")
        self.page = DjangoPage(rows, number, self.django_paginator_class(_Counted(total), page_size))
        return rows

    def _invalid(self, page_number, message):
        return NotFound(self.invalid_page_message.format(page_number=page_number, message=message))
