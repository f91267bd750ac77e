"""Django admin: the deliveries' status (what went out, what failed and why), read-only.
Notifications are sent through the API or notify(), not typed in here."""

from django.contrib import admin

from .models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("pk", "channel", "status", "attempts", "notification_id", "sent_at", "next_attempt_at")
    list_filter = ("channel", "status")
    search_fields = ("provider_message_id",)
    list_select_related = ("notification",)
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
