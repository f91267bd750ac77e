"""The WSGI application (gunicorn in production, the bench and `make run`).

Once the application is loaded, the URLconf (and with it every view, serializer and
model module) is imported and every object alive at that point is moved out of the
garbage collector's reach (`gc.freeze()`). A web process holds about 250,000 such
objects (Django, Wagtail, DRF, the project's modules), all of them living as long as the
process; without the freeze each full collection walks all of them, which measured 120
to 150 ms here: a pause of every thread of the worker, seen as the ~200 ms p99 of the
fast reads. After it, a full collection walks only what requests created since. Nothing
is leaked: frozen objects are the ones that would never be freed anyway.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.dev")
application = get_wsgi_application()


def _freeze_startup_objects() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every URL module, view and serializer
    gc.collect()
    gc.freeze()


_freeze_startup_objects()
