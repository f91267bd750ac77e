"""The caller's phone number for SMS notifications: set it (a code is texted to it),
verify it with that code, read it, remove it (docs/sms.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from site_config.api.errors import TryLater

from .. import services
from .serializers import PhoneSerializer, PhoneSetSerializer, PhoneVerifySerializer

TAG = ["notifications"]


class SmsDailyCap(TryLater):
    default_detail = "You have been sent as many SMS as a day allows; try again later."
    default_code = "sms_daily_cap"


class _PerUserThrottle(SimpleRateThrottle):
    setting = ""

    def get_rate(self):
        return getattr(settings, self.setting) or None

    def get_cache_key(self, request, view):
        if request.method not in self.methods:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class PhoneChangeThrottle(_PerUserThrottle):
    scope = "sms_phone"
    setting = "SMS_THROTTLE_PHONE"
    methods = ("PUT",)


class PhoneVerifyThrottle(_PerUserThrottle):
    scope = "sms_phone_verify"
    setting = "SMS_THROTTLE_PHONE_VERIFY"
    methods = ("POST",)


def _body(phone, **extra) -> dict:
    data = {
        "number": phone.number if phone else None,
        "verified": bool(phone and phone.verified_at),
        "verified_at": phone.verified_at if phone else None,
    }
    return PhoneSerializer(data | extra).data


def _django_errors(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(get_error_detail(exc))


@extend_validation_errors(["invalid_phone_number"], field_name="number", methods=["put"])
class PhoneView(APIView):
    throttle_classes = [PhoneChangeThrottle]

    @extend_schema(
        tags=TAG, summary="My phone number for SMS (null when none)", responses={200: PhoneSerializer}
    )
    def get(self, request):
        return Response(_body(services.phone_get(user=request.user)))

    @extend_schema(
        tags=TAG,
        summary="Set my phone number; a 6-digit code is texted to it",
        description=(
            "The number (E.164 after normalising; 400 `invalid_phone_number` otherwise) is kept "
            "unverified and a code is texted to it: no other SMS goes to it until "
            "`POST .../phone/verify/` confirms it. The number already verified answers 200 and "
            "sends nothing. 429 `sms_daily_cap` when the caller has had SMS_DAILY_CAP SMS in the "
            "last 24 hours (nothing changes), `throttled` above SMS_THROTTLE_PHONE."
        ),
        request=PhoneSetSerializer,
        responses={200: PhoneSerializer, 202: PhoneSerializer},
    )
    def put(self, request):
        data = PhoneSetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            phone, sent = services.phone_set(user=request.user, number=data.validated_data["number"])
        except DjangoValidationError as exc:
            raise _django_errors(exc) from None
        except services.SmsDailyCapReached as exc:
            raise SmsDailyCap(exc.retry_after) from None
        return Response(
            _body(phone, code_sent=sent), status=status.HTTP_202_ACCEPTED if sent else status.HTTP_200_OK
        )

    @extend_schema(
        tags=TAG, summary="Remove my phone number", responses={204: OpenApiResponse(description="Gone.")}
    )
    def delete(self, request):
        services.phone_delete(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_validation_errors(["otp_invalid"], field_name="code", methods=["post"])
class PhoneVerifyView(APIView):
    throttle_classes = [PhoneVerifyThrottle]

    @extend_schema(
        tags=TAG,
        summary="Verify my phone number with the texted code",
        description="A wrong, expired or used code answers 400 `otp_invalid`; OTP_MAX_ATTEMPTS wrong "
        "tries kill the code (set the number again for a new one).",
        request=PhoneVerifySerializer,
        responses={200: PhoneSerializer},
    )
    def post(self, request):
        data = PhoneVerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            phone = services.phone_verify(user=request.user, code=data.validated_data["code"])
        except DjangoValidationError as exc:
            raise _django_errors(exc) from None
        return Response(_body(phone))
