"""Django admin: the xAPI dead-letter list (with its "retry" action) and the
forwarding cursor, both read-only: rows change only through the forwarder."""

from django.contrib import admin
from django.utils.text import Truncator

from .models import DeadLetter, DeadLetterStatus, ForwardingCursor


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    """Statements the LRS refused. "Retry" queues the selected ones; the forwarding
    job (queued at once, and every minute) sends them again."""

    list_display = (
        "event_id",
        "event_type",
        "status",
        "attempts",
        "last_status",
        "short_error",
        "updated_at",
    )
    list_filter = ("status", "last_status")
    search_fields = ("event__id",)
    list_select_related = ("event",)
    fields = readonly_fields = (
        "event",
        "status",
        "attempts",
        "last_status",
        "last_error",
        "created_at",
        "updated_at",
        "delivered_at",
    )
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="type", ordering="event__type")
    def event_type(self, letter):
        return letter.event.type

    @admin.display(description="last error")
    def short_error(self, letter):
        return Truncator(letter.last_error).chars(120)

    @admin.action(description="Retry the selected statements", permissions=["view"])
    def retry(self, request, queryset):
        from django_q.tasks import async_task

        from .services import xapi_dead_letters_queue, xapi_enabled

        queued = xapi_dead_letters_queue(dead_letter_ids=list(queryset.values_list("pk", flat=True)))
        if not xapi_enabled():
            self.message_user(
                request,
                f"Queued {queued} statement(s); ANALYTICS_XAPI_ENDPOINT is not set, so nothing is sent.",
            )
            return
        async_task("learning.analytics.xapi.tasks.xapi_forward")
        delivered = DeadLetter.objects.filter(
            pk__in=queryset.values("pk"), status=DeadLetterStatus.DELIVERED
        ).count()
        self.message_user(request, f"Queued {queued} statement(s) for a retry; {delivered} delivered so far.")


@admin.register(ForwardingCursor)
class ForwardingCursorAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "stored",
        "event_id",
        "last_run_at",
        "last_success_at",
        "delivered_total",
        "dead_lettered_total",
        "last_error",
    )
    fields = readonly_fields = list_display + ("lease_until",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
