"""`manage.py import_challenges FILE.json --as EMAIL`: create challenges from JSON.

The file holds a list (or {"challenges": [...]}) of objects with lesson_id, title,
prompt, seed_code, reference_solution and tests [{description, kind, code | input +
expected_output, hidden}] — the same shape as POST /api/v1/teacher/challenges/import/.
The user named by --as must be allowed to edit each lesson's course. All or nothing.
"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.test import APIRequestFactory

from learning.coding import services
from learning.coding.api.serializers import ChallengeWriteSerializer


class Command(BaseCommand):
    help = "Import coding challenges from a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--as", dest="email", required=True, help="email of the teacher or admin importing"
        )

    def handle(self, *args, path, email, **options):
        user = get_user_model().objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"No user {email}")
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        items = data.get("challenges") if isinstance(data, dict) else data
        request = APIRequestFactory().post("/")
        request.user = user
        serializer = ChallengeWriteSerializer(data=items, many=True, context={"request": request})
        if not serializer.is_valid():
            raise CommandError(f"Invalid challenges: {json.dumps(serializer.errors)[:2000]}")
        created = services.challenge_import(user=user, items=[dict(v) for v in serializer.validated_data])
        for challenge in created:
            self.stdout.write(f"created challenge {challenge.pk}: {challenge.title}")
