"""Notifications API views: parse, authorise (a notification is its recipient's alone;
another user's id is a 404), call one service or selector, shape the answer."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.fields import get_error_detail
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from learning.accounts.permissions import IsAdmin

from .. import selectors, services
from ..models import ALL_TYPES, Notification
from ..registry import NOTIFICATION_TYPES
from .serializers import (
    AdminSendSerializer,
    MarkedSerializer,
    NotificationSerializer,
    NotifyResultSerializer,
    PreferencesSerializer,
    PreferencesUpdateSerializer,
    UnreadCountSerializer,
    UnsubscribeSerializer,
)

TAGS = ["notifications"]


class InboxPagination(CursorPagination):
    """`?cursor=` (opaque, from `next`/`previous`) and `?page_size=`; newest first."""

    ordering = ("-created_at", "-pk")
    page_size = settings.NOTIFICATIONS_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = settings.NOTIFICATIONS_MAX_PAGE_SIZE


def _parse(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _service_error(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(get_error_detail(exc))


_TRUE, _FALSE = {"true", "1"}, {"false", "0"}


def _unread_param(request) -> bool:
    raw = request.query_params.get("unread")
    if raw is None or raw.lower() in _FALSE:
        return False
    if raw.lower() in _TRUE:
        return True
    raise ValidationError({"unread": [ErrorDetail("Use true or false.", code="invalid")]})


class NotificationListView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = NotificationSerializer
    pagination_class = InboxPagination
    queryset = Notification.objects.none()  # the schema's model; reads go through selectors

    @extend_schema(
        operation_id="notifications_list",
        summary="My notifications, newest first (cursor-paginated)",
        tags=TAGS,
        parameters=[
            OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only the unread ones."),
        ],
    )
    def get(self, request):
        unread = _unread_param(request)
        page = self.paginate_queryset(selectors.inbox_for_user(user=request.user, unread_only=unread))
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)


class UnreadCountView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notifications_unread_count",
        summary="How many of my notifications are unread",
        tags=TAGS,
        responses={200: UnreadCountSerializer},
    )
    def get(self, request):
        return Response({"unread": selectors.unread_count_for_user(user=request.user)})


class NotificationDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notification_get",
        summary="One of my notifications",
        tags=TAGS,
        responses={200: NotificationSerializer},
    )
    def get(self, request, notification_id):
        notification = selectors.notification_get_for_user(user=request.user, notification_id=notification_id)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        operation_id="notification_delete",
        summary="Delete one of my notifications",
        tags=TAGS,
        responses={204: None},
    )
    def delete(self, request, notification_id):
        services.notification_delete(user=request.user, notification_id=notification_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationReadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notification_mark_read",
        summary="Mark one of my notifications read",
        tags=TAGS,
        request=None,
        responses={200: NotificationSerializer},
    )
    def post(self, request, notification_id):
        notification = services.notification_mark_read(user=request.user, notification_id=notification_id)
        return Response(NotificationSerializer(notification).data)


class ReadAllView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notifications_mark_all_read",
        summary="Mark all my notifications read (one UPDATE)",
        tags=TAGS,
        request=None,
        responses={200: MarkedSerializer},
    )
    def post(self, request):
        return Response({"marked": services.notifications_mark_all_read(user=request.user)})


class PreferencesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notification_preferences_get",
        summary="My channels per notification type",
        tags=TAGS,
        responses={200: PreferencesSerializer},
    )
    def get(self, request):
        return Response(services.preferences_for_user(user=request.user))

    @extend_schema(
        operation_id="notification_preferences_update",
        summary='Turn channels on or off per type ("*": every type)',
        tags=TAGS,
        request=PreferencesUpdateSerializer,
        responses={200: PreferencesSerializer},
    )
    def patch(self, request):
        data = _parse(PreferencesUpdateSerializer, request)
        changes = [services.PreferenceChange(**item) for item in data["preferences"]]
        try:
            return Response(services.preferences_update(user=request.user, changes=changes))
        except DjangoValidationError as exc:
            raise _service_error(exc) from None


class AdminSendView(APIView):
    permission_classes = [IsAuthenticated, IsAdmin]

    @extend_schema(
        operation_id="notifications_admin_send",
        summary="Admins: notify chosen users (type admin_message)",
        tags=TAGS,
        request=AdminSendSerializer,
        responses={201: NotifyResultSerializer},
    )
    def post(self, request):
        data = _parse(AdminSendSerializer, request)
        link = data["link"]
        try:
            result = services.admin_notification_send(
                sender=request.user,
                recipient_ids=data["recipients"],
                title=data["title"],
                body=data["body"],
                link=services.Link(**link) if link else None,
                channels=data["channels"],
            )
        except DjangoValidationError as exc:
            raise _service_error(exc) from None
        return Response(NotifyResultSerializer(result).data, status=status.HTTP_201_CREATED)


def _scope_answer(scope) -> Response:
    label = "All notifications" if scope.type == ALL_TYPES else NOTIFICATION_TYPES[scope.type].label
    return Response(
        UnsubscribeSerializer(
            {
                "type": scope.type,
                "type_label": label,
                "channel": scope.channel,
                "subscribed": scope.subscribed,
            }
        ).data
    )


class UnsubscribeView(APIView):
    """The link of every notification mail: no login, the signed token is the
    authority. GET tells what the token turns off (and changes nothing: mail scanners
    follow links); POST turns it off (RFC 8058 one-click: mail clients POST
    `List-Unsubscribe=One-Click` here, the body is not needed). A forged or tampered
    token is a 404."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        operation_id="notifications_unsubscribe_get",
        summary="What an unsubscribe link turns off (no login)",
        tags=TAGS,
        auth=[],
        responses={200: UnsubscribeSerializer},
    )
    def get(self, request, token):
        scope = services.unsubscribe_scope(token=token)
        if scope is None:
            raise Http404("No such unsubscribe link.")
        return _scope_answer(scope)

    @extend_schema(
        operation_id="notifications_unsubscribe",
        summary="Unsubscribe with a mail's link (no login; one-click)",
        tags=TAGS,
        auth=[],
        request=None,
        responses={200: UnsubscribeSerializer},
    )
    def post(self, request, token):
        scope = services.unsubscribe_apply(token=token)
        if scope is None:
            raise Http404("No such unsubscribe link.")
        return _scope_answer(scope)
