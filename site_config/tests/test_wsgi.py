"""site_config/wsgi.py: the application a server loads has its URLconf imported and its
start-up objects frozen out of the garbage collector's walks (the docstring says why)."""

import json
import subprocess
import sys

from django.conf import settings

PROBE = """
import gc, json
from site_config.wsgi import application
from django.urls import resolve
resolve("/api/v1/ping/")  # the URLconf is already loaded: no new module objects
print(json.dumps({"frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects())}))
"""


def test_the_loaded_application_is_frozen_with_its_urlconf():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "site_config.settings.test", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    assert counts["frozen"] > 100_000  # Django, Wagtail, DRF and every view module
    assert counts["tracked"] < counts["frozen"] / 10  # a collection walks only the rest
