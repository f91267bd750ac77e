from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = (
        "Build the demo content (site root, demo users, the 'Web basics' course...). "
        "Idempotent: running it again changes nothing that is already there."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--attempts",
            type=int,
            default=0,
            help="Then have N simulated learners take every demo quiz once (item analysis data).",
        )

    def handle(self, *args, **options):
        if options["attempts"] < 0:
            raise CommandError("--attempts must be 0 or more.")
        _check_demo_password()
        loaders = settings.DEMO_LOADERS
        logins = []
        # The demo goes through the real workflow; its moderation notices go nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for step, dotted in enumerate(loaders, start=1):
                self.stdout.write(f"[{step}/{len(loaders)}] {dotted}")
                with transaction.atomic():
                    lines = import_string(dotted)()
                for line in lines:
                    self.stdout.write(f"    {line}")
                    if "password:" in line:
                        logins.append(line)
            if options["attempts"]:
                import sys

                from learning.assessments.demo import AttemptsProgress, simulate_attempts

                self.stdout.write(f"Simulating {options['attempts']} learners' attempts at the demo quizzes")
                progress = AttemptsProgress(self.stdout, tty=sys.stdout.isatty())
                for line in simulate_attempts(options["attempts"], progress=progress):
                    self.stdout.write(f"    {line}")
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
        if logins:
            self.stdout.write("Demo logins (editor at /admin/, API tokens at /api/v1/auth/login/):")
            for line in logins:
                self.stdout.write(f"    {line}")


def _check_demo_password() -> None:
    """The demo users (one a superuser) get DEMO_PASSWORD: refuse before writing anything
    when there is none (production has no default and ignores the public one) or when it
    fails the password validators."""
    password = settings.DEMO_PASSWORD
    if not password:
        raise CommandError(
            "load_demo refuses: DEMO_PASSWORD is not set. The demo creates a superuser, and "
            "production has no default demo password (the public default is ignored). Set "
            "DEMO_PASSWORD to a strong password of your own, or do not load the demo here."
        )
    try:
        validate_password(password)
    except ValidationError as exc:
        reasons = " ".join(exc.messages)
        raise CommandError(f"load_demo refuses: DEMO_PASSWORD is too weak: {reasons}") from None
