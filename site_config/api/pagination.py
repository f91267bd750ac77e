from django.conf import settings
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
