from rest_framework import serializers

from learning.accounts.roles import Role
from learning.notifications.models import Channel
from site_config.api.ids import IdField
from site_config.api.serializers import Serializer

from ..models import Announcement


class AnnouncementWriteSerializer(Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(help_text="Plain text, at most ANNOUNCEMENT_BODY_MAX_CHARS characters.")
    target = serializers.ChoiceField(
        choices=Announcement.Target.choices,
        help_text="`all` users (admins only), everyone with a `role` (admins only), a `course`'s "
        "learners (its active enrolments), or an `organisation`'s members (admins only).",
    )
    role = serializers.ChoiceField(choices=Role.choices, required=False, allow_blank=True)
    course = IdField(required=False, allow_null=True, help_text="With target `course`: the course's id.")
    organisation = IdField(
        required=False, allow_null=True, help_text="With target `organisation`: the organisation's id."
    )
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices),
        min_length=1,
        max_length=len(Channel.values),
        help_text="Channels among the registered ones; each recipient's preferences for the "
        "`announcement` type still decide.",
    )
    scheduled_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Send at this time (future, ISO 8601) rather than at once."
    )


class ProgressSerializer(Serializer):
    recipient_count = serializers.IntegerField(help_text="The audience when sending started.")
    processed_count = serializers.IntegerField(help_text="Recipients handled so far.")
    notified_count = serializers.IntegerField(help_text="Notifications created (some channel on).")
    in_app_count = serializers.IntegerField(help_text="Of those, shown in the inbox.")
    deliveries = serializers.DictField(
        child=serializers.IntegerField(), help_text="Out-of-band deliveries queued, per channel."
    )


class AnnouncementSerializer(Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    target = serializers.ChoiceField(choices=Announcement.Target.choices)
    role = serializers.CharField(allow_blank=True)
    course = serializers.IntegerField(allow_null=True, source="course_id")
    course_title = serializers.CharField(allow_null=True)
    organisation = serializers.IntegerField(allow_null=True, source="organisation_id")
    organisation_name = serializers.CharField(allow_null=True)
    channels = serializers.ListField(child=serializers.CharField())
    scheduled_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(choices=Announcement.Status.choices)
    author = serializers.IntegerField(allow_null=True, source="author_id")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    progress = ProgressSerializer(source="*")


class LearnerAnnouncementSerializer(Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    target = serializers.ChoiceField(choices=Announcement.Target.choices)
    course = serializers.IntegerField(allow_null=True, source="course_id")
    course_title = serializers.CharField(allow_null=True)
    organisation = serializers.IntegerField(allow_null=True, source="organisation_id")
    organisation_name = serializers.CharField(allow_null=True)
    author_name = serializers.CharField(allow_null=True)
    sent_at = serializers.DateTimeField(source="started_at")
