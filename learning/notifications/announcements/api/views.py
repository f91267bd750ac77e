"""Announcements API: authors (admins; teachers for their own courses) create, edit,
send, cancel and delete announcements and poll their progress under
/api/v1/teacher/announcements/; everyone reads the announcements they received under
/api/v1/announcements/ (docs/announcements.md)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.fields import get_error_detail
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from learning.accounts.permissions import IsTeacherOrAdmin
from site_config.api.schema import ConflictErrorResponse

from .. import selectors, services
from ..models import Announcement
from .serializers import AnnouncementSerializer, AnnouncementWriteSerializer, LearnerAnnouncementSerializer

TAG = ["announcements"]
CONFLICT = {409: ConflictErrorResponse}


def _shape(announcement: Announcement) -> Announcement:
    announcement.course_title = announcement.course.title if announcement.course_id else None
    announcement.organisation_name = announcement.organisation.name if announcement.organisation_id else None
    return announcement


def _conflict(exc: services.AnnouncementStateError) -> Response:
    return Response(
        {
            "type": "client_error",
            "errors": [{"code": "announcement_state", "detail": str(exc), "attr": None}],
        },
        status=status.HTTP_409_CONFLICT,
    )


def _rules(call):
    try:
        return call()
    except DjangoValidationError as exc:
        raise ValidationError(get_error_detail(exc)) from None


_RULE_ERRORS = [
    (["target_not_allowed"], "target"),
    (["does_not_exist"], "course"),
    (["does_not_exist"], "organisation"),
    (["in_past", "too_far"], "scheduled_at"),
]


def _with_rule_errors(methods):
    def decorate(cls):
        for codes, field in _RULE_ERRORS:
            cls = extend_validation_errors(codes, field_name=field, methods=methods)(cls)
        return cls

    return decorate


@_with_rule_errors(["post"])
class AuthorAnnouncementsView(GenericAPIView):
    permission_classes = [IsTeacherOrAdmin]
    serializer_class = AnnouncementSerializer
    queryset = Announcement.objects.none()

    @extend_schema(
        tags=TAG,
        operation_id="teacher_announcements",
        summary="Announcements I may manage (admins: all; teachers: their courses'), newest first",
        parameters=[OpenApiParameter("status", str, enum=Announcement.Status.values)],
        responses=AnnouncementSerializer(many=True),
    )
    def get(self, request):
        queryset = selectors.announcements_manageable_by(user=request.user).order_by("-created_at", "-pk")
        wanted = request.query_params.get("status")
        if wanted in Announcement.Status.values:
            queryset = queryset.filter(status=wanted)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(AnnouncementSerializer([_shape(a) for a in page], many=True).data)

    @extend_schema(
        tags=TAG,
        operation_id="teacher_announcement_create",
        summary="Create an announcement (a draft: send it with POST .../send/)",
        description="Teachers may target only `course` and only a course they may edit "
        "(400 `target_not_allowed`, `does_not_exist`); `all`, `role` and `organisation` are for admins.",
        request=AnnouncementWriteSerializer,
        responses={201: AnnouncementSerializer},
    )
    def post(self, request):
        data = AnnouncementWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        announcement = _rules(
            lambda: services.announcement_create(author=request.user, **data.validated_data)
        )
        return Response(AnnouncementSerializer(_shape(announcement)).data, status=status.HTTP_201_CREATED)


@_with_rule_errors(["patch"])
class AuthorAnnouncementView(APIView):
    permission_classes = [IsTeacherOrAdmin]

    def _get(self, request, announcement_id) -> Announcement:
        return selectors.announcement_get_for_author(user=request.user, announcement_id=announcement_id)

    @extend_schema(
        tags=TAG,
        operation_id="teacher_announcement_get",
        summary="One announcement with its status and fan-out progress (poll it while sending)",
        responses=AnnouncementSerializer,
    )
    def get(self, request, announcement_id):
        return Response(AnnouncementSerializer(_shape(self._get(request, announcement_id))).data)

    @extend_schema(
        tags=TAG,
        operation_id="teacher_announcement_update",
        summary="Edit a draft or scheduled announcement",
        request=AnnouncementWriteSerializer(partial=True),
        responses={200: AnnouncementSerializer, **CONFLICT},
    )
    def patch(self, request, announcement_id):
        announcement = self._get(request, announcement_id)
        data = AnnouncementWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            announcement = _rules(
                lambda: services.announcement_update(
                    user=request.user, announcement=announcement, **data.validated_data
                )
            )
        except services.AnnouncementStateError as exc:
            return _conflict(exc)
        return Response(AnnouncementSerializer(_shape(announcement)).data)

    @extend_schema(
        tags=TAG,
        operation_id="teacher_announcement_delete",
        summary="Delete a draft or cancelled announcement",
        responses={204: OpenApiResponse(description="Deleted."), **CONFLICT},
    )
    def delete(self, request, announcement_id):
        try:
            services.announcement_delete(announcement=self._get(request, announcement_id))
        except services.AnnouncementStateError as exc:
            return _conflict(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)


@_with_rule_errors(["post"])
class AuthorAnnouncementSendView(APIView):
    permission_classes = [IsTeacherOrAdmin]

    @extend_schema(
        tags=TAG,
        operation_id="teacher_announcement_send",
        summary="Send a draft: now (202, `sending`; poll GET) or at its `scheduled_at` (200, `scheduled`)",
        request=None,
        responses={200: AnnouncementSerializer, 202: AnnouncementSerializer, **CONFLICT},
    )
    def post(self, request, announcement_id):
        announcement = selectors.announcement_get_for_author(
            user=request.user, announcement_id=announcement_id
        )
        try:
            announcement = _rules(
                lambda: services.announcement_send(user=request.user, announcement=announcement)
            )
        except services.AnnouncementStateError as exc:
            return _conflict(exc)
        announcement.refresh_from_db()
        code = (
            status.HTTP_200_OK
            if announcement.status == Announcement.Status.SCHEDULED
            else status.HTTP_202_ACCEPTED
        )
        return Response(AnnouncementSerializer(_shape(announcement)).data, status=code)


class AuthorAnnouncementCancelView(APIView):
    permission_classes = [IsTeacherOrAdmin]

    @extend_schema(
        tags=TAG,
        operation_id="teacher_announcement_cancel",
        summary="Cancel a draft, a scheduled announcement or one still sending (409 once sent)",
        request=None,
        responses={200: AnnouncementSerializer, **CONFLICT},
    )
    def post(self, request, announcement_id):
        announcement = selectors.announcement_get_for_author(
            user=request.user, announcement_id=announcement_id
        )
        try:
            announcement = services.announcement_cancel(announcement=announcement)
        except services.AnnouncementStateError as exc:
            return _conflict(exc)
        announcement.refresh_from_db()
        return Response(AnnouncementSerializer(_shape(announcement)).data)


def _learner_shape(announcement: Announcement) -> Announcement:
    _shape(announcement)
    author = announcement.author
    announcement.author_name = (author.display_name or "Mr ICT") if author else None
    return announcement


class LearnerAnnouncementsView(GenericAPIView):
    serializer_class = LearnerAnnouncementSerializer
    queryset = Announcement.objects.none()

    @extend_schema(
        tags=TAG,
        operation_id="announcements",
        summary="Announcements sent to me (all users, my roles, my courses, my organisation), newest first",
        responses=LearnerAnnouncementSerializer(many=True),
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.announcements_for_learner(user=request.user))
        return self.get_paginated_response(
            LearnerAnnouncementSerializer([_learner_shape(a) for a in page], many=True).data
        )


class LearnerAnnouncementView(APIView):
    @extend_schema(
        tags=TAG,
        operation_id="announcement_get",
        summary="One announcement sent to me",
        responses=LearnerAnnouncementSerializer,
    )
    def get(self, request, announcement_id):
        announcement = selectors.announcement_get_for_learner(
            user=request.user, announcement_id=announcement_id
        )
        return Response(LearnerAnnouncementSerializer(_learner_shape(announcement)).data)
