from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = (
        "Build the demo content (site root, demo users, the 'Web basics' course...). "
        "Idempotent: running it again changes nothing that is already there."
    )

    def handle(self, *args, **options):
        loaders = settings.DEMO_LOADERS
        for step, dotted in enumerate(loaders, start=1):
            self.stdout.write(f"[{step}/{len(loaders)}] {dotted}")
            with transaction.atomic():
                lines = import_string(dotted)()
            for line in lines:
                self.stdout.write(f"    {line}")
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
