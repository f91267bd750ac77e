"""Input and output shapes of the rewards API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cms.api.serializers import ImageOutSerializer
from cms.blocks import image_api_representation
from learning.rewards.certificates.api.serializers import CertificateSerializer
from site_config.api import serializers as api


class StreakSerializer(api.Serializer):
    current = serializers.IntegerField(
        help_text="Days in a row up to today or yesterday (learner's time zone)."
    )
    longest = serializers.IntegerField()
    last_active_day = serializers.DateField(allow_null=True, help_text="In the learner's time zone.")


class XpSummarySerializer(api.Serializer):
    xp = serializers.IntegerField()
    level = serializers.IntegerField()
    level_xp = serializers.IntegerField(help_text="XP at which the current level starts.")
    next_level_xp = serializers.IntegerField(help_text="XP at which the next level starts.")
    progress = serializers.FloatField(help_text="Share of the way from this level to the next, 0..1.")
    streak = StreakSerializer()
    leaderboard_opt_in = serializers.BooleanField()

    @staticmethod
    def shape(summary) -> dict:
        return {
            "xp": summary.xp,
            "level": summary.level,
            "level_xp": summary.level_xp,
            "next_level_xp": summary.next_level_xp,
            "progress": summary.progress,
            "streak": {
                "current": summary.streak_current,
                "longest": summary.streak_longest,
                "last_active_day": summary.streak_last_day,
            },
            "leaderboard_opt_in": summary.leaderboard_opt_in,
        }


class BadgeSerializer(api.Serializer):
    """A badge definition's public face."""

    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    criteria = serializers.CharField(help_text="The criteria kind.")
    criteria_text = serializers.CharField(help_text="The criteria in words.")
    image = serializers.SerializerMethodField()

    @extend_schema_field(ImageOutSerializer(allow_null=True))
    def get_image(self, badge):
        return image_api_representation(badge.image)


class PublicBadgeSerializer(BadgeSerializer):
    holders = serializers.IntegerField(help_text="How many learners hold it.")


class MyBadgeSerializer(api.Serializer):
    badge = BadgeSerializer()
    awarded_at = serializers.DateTimeField()
    public_id = serializers.CharField(
        help_text="Id of the award's public page: /api/v1/badge-awards/{public_id}/."
    )


class PublicBadgeAwardSerializer(api.Serializer):
    """A badge award as anyone may see it: the badge, the holder's display name, the
    date. Nothing else of the holder."""

    badge = BadgeSerializer()
    holder_name = serializers.CharField()
    awarded_at = serializers.DateTimeField()


class LeaderboardQuerySerializer(api.Serializer):
    window = serializers.ChoiceField(choices=["week", "month", "all"], default="week")
    course = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="A course id: its leaderboard."
    )


class LeaderboardRowSerializer(api.Serializer):
    rank = serializers.IntegerField()
    name = serializers.CharField(help_text="The learner's display name.")
    xp = serializers.IntegerField(help_text="XP earned in the window (in the course, for a course board).")
    is_me = serializers.BooleanField()


class LeaderboardSerializer(api.Serializer):
    window = serializers.CharField()
    course = serializers.IntegerField(allow_null=True)
    opted_in = serializers.BooleanField(help_text="Whether I appear on leaderboards.")
    rows = LeaderboardRowSerializer(many=True)


class LeaderboardOptInSerializer(api.Serializer):
    opt_in = serializers.BooleanField(help_text="Appear on leaderboards (off until you opt in).")


class CompletionSerializer(api.Serializer):
    course_id = serializers.IntegerField()
    course_title = serializers.CharField()
    completed_at = serializers.DateTimeField()


class AchievementsSerializer(api.Serializer):
    xp = XpSummarySerializer()
    badges = MyBadgeSerializer(many=True)
    completions = CompletionSerializer(many=True)
    certificates = CertificateSerializer(
        many=True, help_text="As `GET /api/v1/me/certificates/` (read-only)."
    )
