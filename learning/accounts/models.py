import uuid
import zoneinfo

from django.conf import global_settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Lower

from site_config.files import public_storage

from .emails import email_normalize, users_with_email
from .organisations import remember


class EmailUserManager(UserManager):
    """Email is the login: plain ASCII, stored as given (domain lower-cased) and
    compared without regard to case (learning/accounts/emails.py)."""

    def get_by_natural_key(self, username):
        # The lookup of every password login (ModelBackend): API, Wagtail, Django admin.
        return users_with_email(self.get_queryset(), username).get()

    def _create_user(self, username, email, password, **extra_fields):
        email = email_normalize(email or username or "")
        user = self.model(email=email, username=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, email, password, **extra_fields)


LOCALES = frozenset(code for code, _name in global_settings.LANGUAGES)


def validate_locale(value: str) -> None:
    """A language Django knows (en, pt-br, ar, ...). A validator, not `choices`, so a
    Django upgrade that adds languages needs no migration."""
    if value not in LOCALES:
        raise ValidationError(
            "Unknown locale; use a language code such as en or pt-br.", code="invalid_choice"
        )


def validate_time_zone(value: str) -> None:
    if value not in _time_zones():
        raise ValidationError(
            "Unknown time zone; use an IANA name such as Europe/Paris.", code="invalid_choice"
        )


def _time_zones() -> frozenset[str]:
    global _TIME_ZONES
    if _TIME_ZONES is None:
        _TIME_ZONES = frozenset(zoneinfo.available_timezones())
    return _TIME_ZONES


_TIME_ZONES: frozenset[str] | None = None


def avatar_upload_to(instance, filename: str) -> str:
    """A new random name per upload: a cached old avatar URL never shows the new image,
    and names never leak what the user called the file."""
    return f"avatars/{instance.pk}/{uuid.uuid4().hex}.webp"


class Organisation(models.Model):
    """A school or organisation users belong to (docs/accounts.md#organisations): at most
    one per user (`User.organisation`), enough to address "everyone at this school"
    (announcements target one). Admins manage them in the Wagtail editor (a snippet) and
    Django admin, and assign users in Django admin's user form."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True, help_text="A short name for URLs and imports.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """The one account type. `email` is the login (unique without regard to case);
    `username` is kept only because Wagtail's admin and third-party apps expect the
    field, and mirrors the email."""

    email = models.EmailField("email address", unique=True)
    email_verified = models.BooleanField(
        default=False, help_text="Learning endpoints (IsVerified) need a verified email; login does not."
    )

    # Profile. Public: display_name, bio, avatar. Private: the rest.
    display_name = models.CharField(max_length=80, blank=True)
    bio = models.TextField(blank=True, validators=[MaxLengthValidator(1000)])
    locale = models.CharField(max_length=16, default="en", validators=[validate_locale])
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    # Public (profile pages show it): the public storage, an unsigned (CDN) URL with S3.
    avatar = models.ImageField(upload_to=avatar_upload_to, storage=public_storage, blank=True, max_length=200)
    # The school or organisation the user belongs to, set by an admin (read-only to the user).
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    # An organisation admin reads their organisation's reports and dashboards (analytics),
    # and nothing of another organisation's. Meaningless without an organisation.
    organisation_admin = models.BooleanField(
        default=False, help_text="Reads the organisation's analytics dashboards and reports."
    )
    # Set when an admin takes the public profile down (learning/moderation's
    # ContentTakenDown, heard in accounts/moderation.py): the profile is then 404 to
    # everyone but its owner and admins, and other apps show "A learner" instead of the
    # display name (rewards' public_name, the leaderboard).
    profile_taken_down_at = models.DateTimeField(null=True, blank=True, editable=False)
    profile_takedown_reason = models.CharField(max_length=32, blank=True, editable=False)

    # Bumped to sign out every session at once; tokens carry the value they were issued with.
    token_generation = models.PositiveIntegerField(default=0, editable=False)
    # Sessions signed out one at a time (logout; reuse of a rotated refresh token): session
    # id (the "sid" claim of its tokens) -> unix time until which its tokens are refused.
    # On the row that authentication loads anyway, so checking it reads nothing more.
    revoked_sessions = models.JSONField(default=dict, blank=True, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def clean(self):
        """Model forms (Django admin, Wagtail's user screens) refuse an address that is
        not plain ASCII, as signup and createsuperuser do."""
        super().clean()
        if self.email:
            try:
                self.email = email_normalize(self.email)
            except ValidationError as exc:
                raise ValidationError({"email": exc.error_list}) from None

    def save(self, *args, **kwargs):
        self.username = self.email
        super().save(*args, **kwargs)

    # The organisation the row holds, remembered on load: a save that changes it is told
    # to other apps (learning/accounts/organisations.py) without reading the row again.
    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        remember(user)
        return user

    def refresh_from_db(self, using=None, fields=None, **kwargs):
        super().refresh_from_db(using=using, fields=fields, **kwargs)
        if fields is None or "organisation" in fields or "organisation_id" in fields:
            remember(self)


class OneTimeCode(models.Model):
    """A 6-digit code mailed to the user, for one purpose.

    Only an HMAC of the code is stored. The code itself is generated by the mail job
    (`otp_deliver`), so it never sits in the job queue or its result table either; a row
    whose job has not run yet has no hash and matches nothing. One live code per user
    and purpose: issuing a new one deletes the older ones.
    """

    class Purpose(models.TextChoices):
        VERIFY_EMAIL = "verify_email", "Verify email"
        PASSWORD_RESET = "password_reset", "Password reset"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="one_time_codes")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    code_hash = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose"], name="accounts_otp_user_purpose")]

    def __str__(self) -> str:
        return f"{self.purpose} code for user {self.user_id}"


class LoginLock(models.Model):
    """A lock the login lockout set (learning/accounts/lockout.py), kept so admins can
    see and lift it: the lock itself lives in the cache, where it cannot be listed.
    `subject` is the account's email key or the client network, `digest` the cache
    key's part. A row is current while `locked_until` is ahead and it was not lifted."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", "Account"
        IP = "ip", "Client network"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    subject = models.CharField(max_length=254)
    digest = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(default=0)
    locked_at = models.DateTimeField(auto_now_add=True)
    locked_until = models.DateTimeField(db_index=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-locked_at"]
        indexes = [models.Index(fields=["kind", "digest"], name="accounts_lock_subject")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject}"
