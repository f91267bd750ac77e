from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = (
        "Build the demo content (site root, demo users, the 'Web basics' course...). "
        "Idempotent: running it again changes nothing that is already there."
    )

    def handle(self, *args, **options):
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
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
        if logins:
            self.stdout.write("Demo logins (editor at /admin/, API tokens at /api/v1/auth/login/):")
            for line in logins:
                self.stdout.write(f"    {line}")
