"""Rewards API views: parse, authorise, call one selector or service, shape."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.images import get_image_model

from cms.blocks import IMAGE_RENDITIONS
from learning.accounts.permissions import IsVerified

from .. import selectors, services
from ..models import BadgeAward, XpStanding
from .serializers import (
    AchievementsSerializer,
    LeaderboardOptInSerializer,
    LeaderboardQuerySerializer,
    LeaderboardSerializer,
    MyBadgeSerializer,
    PublicBadgeAwardSerializer,
    PublicBadgeSerializer,
    XpSummarySerializer,
)

TAGS = ["rewards"]
LEARNER = [IsAuthenticated, IsVerified]


def _with_images(queryset, lookup: str):
    """Prefetch the badges' images with their renditions: no query per badge."""
    images = get_image_model().objects.prefetch_renditions(*IMAGE_RENDITIONS.values())
    return queryset.prefetch_related(Prefetch(lookup, queryset=images))


def _my_badges(awards) -> list[dict]:
    return [{"badge": a.badge, "awarded_at": a.awarded_at, "public_id": a.public_id} for a in awards]


class MyXpView(APIView):
    permission_classes = LEARNER

    @extend_schema(
        tags=TAGS,
        operation_id="rewards_my_xp",
        summary="My XP, level, progress to the next level and daily streaks",
        responses=XpSummarySerializer,
    )
    def get(self, request):
        summary = selectors.xp_summary(user=request.user)
        return Response(XpSummarySerializer(XpSummarySerializer.shape(summary)).data)


class MyBadgesView(GenericAPIView):
    permission_classes = LEARNER
    serializer_class = MyBadgeSerializer
    queryset = BadgeAward.objects.none()  # the schema's model; get() reads through the selectors

    @extend_schema(
        tags=TAGS,
        operation_id="rewards_my_badges",
        summary="My badges, newest first",
        responses=MyBadgeSerializer(many=True),
    )
    def get(self, request):
        awards = _with_images(
            selectors.badge_awards_of_user(user=request.user).select_related(None).select_related("badge"),
            "badge__image",
        )
        page = self.paginate_queryset(awards)
        return self.get_paginated_response(MyBadgeSerializer(_my_badges(page), many=True).data)


class MyAchievementsView(APIView):
    permission_classes = LEARNER

    @extend_schema(
        tags=TAGS,
        operation_id="rewards_my_achievements",
        summary="My achievements: XP and level, streaks, badges and course completions",
        description=(
            "Everything the learner has earned, in one answer: the XP summary (as `/me/xp/`), "
            "every badge (as `/me/badges/`, unpaginated: one per badge definition at most), "
            "every course completion (from learning/progress) and every certificate (as "
            "`/me/certificates/`, any state), newest first."
        ),
        responses=AchievementsSerializer,
    )
    def get(self, request):
        user = request.user
        summary = selectors.xp_summary(user=user)
        awards = _with_images(
            selectors.badge_awards_of_user(user=user).select_related(None).select_related("badge"),
            "badge__image",
        )
        completions = selectors.course_completions_of_user(user=user)
        from learning.rewards.certificates.selectors import certificates_of

        data = {
            "xp": XpSummarySerializer.shape(summary),
            "badges": _my_badges(awards),
            "completions": [
                {"course_id": c.course_id, "course_title": c.course.title, "completed_at": c.completed_at}
                for c in completions
            ],
            "certificates": list(certificates_of(user=user)),
        }
        return Response(AchievementsSerializer(data).data)


class LeaderboardView(APIView):
    permission_classes = LEARNER

    @extend_schema(
        tags=TAGS,
        operation_id="rewards_leaderboard",
        summary="The leaderboard: top learners by XP in a time window, globally or in one course",
        description=(
            "Only learners who opted in (`PUT /api/v1/me/leaderboard/`) are listed, by display "
            "name. `window`: `week` (the last 7 days), `month` (the last 30 days) or `all`. "
            "`course`: a published course's id, for XP earned in that course; an unknown or "
            "unpublished course is a 404."
        ),
        parameters=[LeaderboardQuerySerializer],
        responses=LeaderboardSerializer,
    )
    def get(self, request):
        query = LeaderboardQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        course_id = query.validated_data.get("course")
        if course_id is not None:
            from cms.selectors import course_get_for_user

            course_id = course_get_for_user(user=request.user, course_id=course_id).pk
        window = query.validated_data["window"]
        rows = selectors.leaderboard(user=request.user, window=window, course_id=course_id)
        opted_in = XpStanding.objects.filter(user=request.user, leaderboard_opt_in=True).exists()
        data = {"window": window, "course": course_id, "opted_in": opted_in, "rows": rows}
        return Response(LeaderboardSerializer(data).data)


class MyLeaderboardView(APIView):
    permission_classes = LEARNER

    @extend_schema(
        tags=TAGS,
        operation_id="rewards_leaderboard_opt_in_get",
        summary="Whether I appear on leaderboards (off by default)",
        responses=LeaderboardOptInSerializer,
    )
    def get(self, request):
        opted_in = XpStanding.objects.filter(user=request.user, leaderboard_opt_in=True).exists()
        return Response(LeaderboardOptInSerializer({"opt_in": opted_in}).data)

    @extend_schema(
        tags=TAGS,
        operation_id="rewards_leaderboard_opt_in_set",
        summary="Opt in to (or out of) leaderboards",
        request=LeaderboardOptInSerializer,
        responses=LeaderboardOptInSerializer,
    )
    def put(self, request):
        body = LeaderboardOptInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        standing = services.leaderboard_opt_in_set(user=request.user, opt_in=body.validated_data["opt_in"])
        return Response(LeaderboardOptInSerializer({"opt_in": standing.leaderboard_opt_in}).data)


class PublicBadgeView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=TAGS,
        operation_id="rewards_badge_public",
        summary="A badge's public page data (public)",
        responses=PublicBadgeSerializer,
        auth=[],
    )
    def get(self, request, slug):
        badge = selectors.badge_get_public(slug=slug)
        return Response(PublicBadgeSerializer(badge).data)


class PublicBadgeAwardView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=TAGS,
        operation_id="rewards_badge_award_public",
        summary="A badge award's public page data: the badge and the holder's display name (public)",
        description=(
            "Nothing else about the holder is shown. `award` is the award's unguessable "
            "`public_id` (32 hex digits)."
        ),
        responses=PublicBadgeAwardSerializer,
        auth=[],
    )
    def get(self, request, award):
        award = selectors.badge_award_get_public(public_id=award)
        data = {
            "badge": award.badge,
            "holder_name": selectors.public_name(award.user),
            "awarded_at": award.awarded_at,
        }
        return Response(PublicBadgeAwardSerializer(data).data)
