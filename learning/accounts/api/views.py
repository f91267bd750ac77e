"""The accounts API under /api/v1/auth/. Views parse, authorise and call one service;
the rules (codes, passwords, sessions) live in ..services."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.fields import get_error_detail
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError

from site_config.api.errors import TryLater
from site_config.api.parsers import JSONParser, MultiPartParser

from .. import avatars, services
from ..authentication import token_error
from ..images import AvatarBusy
from ..lockout import LoginLockedOut, lockout_message
from ..permissions import IsOwner, IsVerified
from ..schema import ErrorResponse401Serializer
from ..selectors import profile_get_for_user
from ..tokens import tokens_for_user
from . import throttles
from .serializers import (
    AcceptedSerializer,
    AvatarUploadSerializer,
    EmailSerializer,
    LoginSerializer,
    LogoutSerializer,
    MeSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PublicProfileSerializer,
    RefreshSerializer,
    SessionSerializer,
    SignupSerializer,
    TokenPairSerializer,
    VerifyEmailSerializer,
)

TAG = ["auth"]
# Error codes raised by services (not by the input serializers), so the schema lists them.
PASSWORD_CODES = [
    "password_too_short",
    "password_too_common",
    "password_entirely_numeric",
    "password_too_similar",
]
ACCEPTED_DETAIL = "If an account exists for this address, a code is on its way. It expires in a few minutes."


@contextmanager
def service_errors():
    """Service failures in the one error shape: validation errors keep their field and
    code; bad or revoked tokens are 401 token_not_valid."""
    try:
        yield
    except DjangoValidationError as exc:
        raise ValidationError(get_error_detail(exc)) from None
    except services.RefreshTokenReused as exc:
        raise token_error(f"{exc}. Log in again.", "token_reused") from None
    except TokenError as exc:
        raise token_error(f"{str(exc).rstrip('.')}. Log in again.") from None


def _parse(serializer_class, request, **kwargs):
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class PublicAuthView(APIView):
    """Endpoints used without an access token (or with an expired one): no
    authentication runs, so a stale `Authorization` header cannot get in the way.
    401s still carry a `WWW-Authenticate` challenge."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    def get_authenticate_header(self, request):
        return 'Bearer realm="api"'


@extend_validation_errors(["email_taken", "email_not_ascii"], field_name="email", methods=["post"])
@extend_validation_errors(PASSWORD_CODES, field_name="password", methods=["post"])
class SignupView(PublicAuthView):
    throttle_classes = throttles.SIGNUP

    @extend_schema(
        tags=TAG,
        summary="Create a student account",
        description="Creates the account (email not verified yet), mails a 6-digit code, and signs "
        "the user in. Learning endpoints answer 403 until POST /auth/verify-email/ succeeds.",
        request=SignupSerializer,
        responses={201: SessionSerializer},
    )
    def post(self, request):
        data = _parse(SignupSerializer, request)
        with service_errors():
            user = services.user_signup(**data)
        tokens = tokens_for_user(user)
        body = SessionSerializer({**tokens, "user": user}, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class LoginLocked(TryLater):
    """429 `login_locked_out`: the login lockout refused the attempt (too many failed
    logins for this account or from this network); `Retry-After` says when to retry."""

    default_code = "login_locked_out"

    def __init__(self, retry_after: int):
        super().__init__(retry_after, lockout_message(retry_after))


@extend_validation_errors(["email_not_ascii"], field_name="email", methods=["post"])
class LoginView(PublicAuthView):
    throttle_classes = throttles.LOGIN

    @extend_schema(
        tags=TAG,
        summary="Log in with email and password",
        description="Returns an access token, a refresh token and the user's profile with roles. "
        "After too many failed logins for an account (through this endpoint or the editor's and "
        "admin's login pages) or from one network, answers 429 `login_locked_out` with "
        "`Retry-After`, whatever the password, until the cool-off has passed.",
        request=LoginSerializer,
        responses={200: SessionSerializer, 401: ErrorResponse401Serializer},
    )
    def post(self, request):
        data = _parse(LoginSerializer, request)
        try:
            user, tokens = services.session_login(
                email=data["email"], password=data["password"], request=request
            )
        except LoginLockedOut as exc:
            raise LoginLocked(exc.retry_after) from None
        if user is None:
            raise AuthenticationFailed("Email or password is wrong.", code="invalid_credentials")
        return Response(SessionSerializer({**tokens, "user": user}, context={"request": request}).data)


class RefreshView(PublicAuthView):
    throttle_classes = [throttles.RefreshThrottle]

    @extend_schema(
        tags=TAG,
        summary="Exchange a refresh token for a new pair",
        description="The refresh token is single use: it is blacklisted and a new one returned. "
        "Presenting a used (rotated) refresh token answers 401 `token_reused` and signs its session "
        "out (every refresh and access token descended from the same login, whoever holds them); "
        "a logged-out or otherwise bad one answers 401 `token_not_valid`.",
        request=RefreshSerializer,
        responses={200: TokenPairSerializer, 401: ErrorResponse401Serializer},
    )
    def post(self, request):
        data = _parse(RefreshSerializer, request)
        with service_errors():
            tokens = services.session_refresh(refresh=data["refresh"])
        return Response(TokenPairSerializer(tokens).data)


class LogoutView(PublicAuthView):
    throttle_classes = [throttles.RefreshThrottle]

    @extend_schema(
        tags=TAG,
        summary="Log out",
        description="Blacklists the refresh token and revokes the access tokens of its session "
        "(401 `token_revoked` from then on). With `everywhere: true`, signs out every session "
        "of the user: all refresh tokens are blacklisted and all access tokens stop working.",
        request=LogoutSerializer,
        responses={204: OpenApiResponse(description="Signed out."), 401: ErrorResponse401Serializer},
    )
    def post(self, request):
        data = _parse(LogoutSerializer, request)
        with service_errors():
            services.session_logout(refresh=data["refresh"], everywhere=data["everywhere"])
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_validation_errors(["otp_invalid"], field_name="code", methods=["post"])
@extend_validation_errors(["email_not_ascii"], field_name="email", methods=["post"])
class VerifyEmailView(PublicAuthView):
    throttle_classes = throttles.OTP_VERIFY

    @extend_schema(
        tags=TAG,
        summary="Verify the email address with the mailed code",
        description="A wrong, expired, used or unknown code answers 400 `otp_invalid`; five wrong "
        "tries kill the code.",
        request=VerifyEmailSerializer,
        responses={200: MeSerializer},
    )
    def post(self, request):
        data = _parse(VerifyEmailSerializer, request)
        with service_errors():
            user = services.email_verify(email=data["email"], code=data["code"])
        return Response(MeSerializer(user, context={"request": request}).data)


@extend_validation_errors(["email_not_ascii"], field_name="email", methods=["post"])
class VerifyEmailResendView(PublicAuthView):
    throttle_classes = throttles.OTP_SEND

    @extend_schema(
        tags=TAG,
        summary="Mail a new verification code",
        description="Always 202, whether or not the address has an unverified account.",
        request=EmailSerializer,
        responses={202: AcceptedSerializer},
    )
    def post(self, request):
        data = _parse(EmailSerializer, request)
        services.email_verification_resend(email=data["email"])
        return Response({"detail": ACCEPTED_DETAIL}, status=status.HTTP_202_ACCEPTED)


@extend_validation_errors(["email_not_ascii"], field_name="email", methods=["post"])
class PasswordResetView(PublicAuthView):
    throttle_classes = throttles.OTP_SEND

    @extend_schema(
        tags=TAG,
        summary="Ask for a password reset code",
        description="Always 202 with the same body, whether or not the address has an account "
        "(no account enumeration).",
        request=EmailSerializer,
        responses={202: AcceptedSerializer},
    )
    def post(self, request):
        data = _parse(EmailSerializer, request)
        services.password_reset_request(email=data["email"])
        return Response({"detail": ACCEPTED_DETAIL}, status=status.HTTP_202_ACCEPTED)


@extend_validation_errors(["otp_invalid"], field_name="code", methods=["post"])
@extend_validation_errors(["email_not_ascii"], field_name="email", methods=["post"])
@extend_validation_errors(PASSWORD_CODES, field_name="new_password", methods=["post"])
class PasswordResetConfirmView(PublicAuthView):
    throttle_classes = throttles.OTP_VERIFY

    @extend_schema(
        tags=TAG,
        summary="Set a new password with the reset code",
        description="Signs out every session of the account. The new password must pass the "
        "password validators.",
        request=PasswordResetConfirmSerializer,
        responses={204: OpenApiResponse(description="Password changed; log in with it.")},
    )
    def post(self, request):
        data = _parse(PasswordResetConfirmSerializer, request)
        with service_errors():
            services.password_reset_confirm(**data)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_validation_errors(["wrong_password"], field_name="current_password", methods=["post"])
@extend_validation_errors(PASSWORD_CODES, field_name="new_password", methods=["post"])
class PasswordChangeView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [throttles.PasswordChangeThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=TAG,
        summary="Change the password (needs the current one)",
        description="Signs out every other session; returns a new token pair for this one.",
        request=PasswordChangeSerializer,
        responses={200: TokenPairSerializer},
    )
    def post(self, request):
        data = _parse(PasswordChangeSerializer, request)
        with service_errors():
            tokens = services.password_change(user=request.user, **data)
        return Response(TokenPairSerializer(tokens).data)


@extend_validation_errors(["invalid_choice"], field_name="locale", methods=["patch"])
@extend_validation_errors(["invalid_choice"], field_name="time_zone", methods=["patch"])
class MeView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(tags=TAG, summary="The signed-in user's account and profile", responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user, context={"request": request}).data)

    @extend_schema(
        tags=TAG,
        summary="Edit the signed-in user's profile",
        description="Send only the fields that change: display_name, bio, locale, time_zone.",
        request=MeSerializer,
        responses=MeSerializer,
    )
    def patch(self, request):
        return _profile_patch(request, request.user)


def _profile_patch(request, user):
    data = _parse(MeSerializer, request, instance=user, partial=True)
    with service_errors():
        user = services.profile_update(user=user, data=data)
    return Response(MeSerializer(user, context={"request": request}).data)


class AvatarBusyError(TryLater):
    default_detail = "Too many avatars are being processed right now; try again in a moment."
    default_code = "avatar_busy"


@extend_validation_errors(
    ["file_too_large", "image_too_large", "invalid_image"], field_name="avatar", methods=["put"]
)
class AvatarView(APIView):
    """Uploading decodes an image (memory and CPU): verified accounts only, throttled per
    user, decode slots bounded per process. Removing is open to any signed-in user."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    def get_permissions(self):
        if getattr(self.request, "method", None) == "PUT":
            return [IsAuthenticated(), IsVerified()]
        return super().get_permissions()

    def get_throttles(self):
        if getattr(self.request, "method", None) == "PUT":
            return [throttles.AvatarUploadThrottle()]
        return super().get_throttles()

    @extend_schema(
        tags=TAG,
        summary="Upload the avatar",
        description="multipart/form-data with an `avatar` file. The content is decoded (the name "
        "and type are ignored), limited in bytes, pixels and decoded memory, stripped of metadata "
        "and stored as a square WebP rendition. Needs a verified email (403 `email_not_verified`); "
        "throttled per user (429 `throttled`), and 429 `avatar_busy` when the server is decoding "
        "too many images at once; both with Retry-After.",
        request=AvatarUploadSerializer,
        responses={
            200: MeSerializer,
            429: OpenApiResponse(description="Throttled, or too many avatars in processing (Retry-After)."),
        },
    )
    def put(self, request):
        data = _parse(AvatarUploadSerializer, request)
        with service_errors():
            try:
                user = avatars.avatar_set(user=request.user, upload=data["avatar"])
            except DjangoValidationError as exc:
                raise DjangoValidationError({"avatar": exc.error_list}) from None
            except AvatarBusy as exc:
                raise AvatarBusyError(exc.retry_after) from None
        return Response(MeSerializer(user, context={"request": request}).data)

    @extend_schema(
        tags=TAG, summary="Remove the avatar", responses={204: OpenApiResponse(description="Removed.")}
    )
    def delete(self, request):
        avatars.avatar_clear(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_validation_errors(["invalid_choice"], field_name="locale", methods=["patch"])
@extend_validation_errors(["invalid_choice"], field_name="time_zone", methods=["patch"])
class ProfileView(APIView):
    """Another user's public profile. Editing through this address is for the owner
    only (403 for anyone else); /auth/me/ is the usual way."""

    permission_classes = [IsAuthenticated, IsOwner]
    parser_classes = [JSONParser]

    def get_object(self, request, pk: int):
        profile = profile_get_for_user(user=request.user, profile_id=pk)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            self.check_object_permissions(request, profile)
        return profile

    @extend_schema(tags=TAG, summary="A user's public profile", responses=PublicProfileSerializer)
    def get(self, request, pk: int):
        profile = self.get_object(request, pk)
        return Response(PublicProfileSerializer(profile, context={"request": request}).data)

    @extend_schema(
        tags=TAG,
        summary="Edit one's own profile by id (owner only)",
        request=MeSerializer,
        responses=MeSerializer,
    )
    def patch(self, request, pk: int):
        return _profile_patch(request, self.get_object(request, pk))
