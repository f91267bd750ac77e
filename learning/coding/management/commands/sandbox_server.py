"""`manage.py sandbox_server`: the sandbox pool as its own service (see sandbox/server.py)."""

import signal
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from learning.coding.sandbox.backends import browser_missing, browser_pool_config, get_pool, pool_config
from learning.coding.sandbox.pool import WorkerPool
from learning.coding.sandbox.server import SandboxServer


class Command(BaseCommand):
    help = "Serve the code sandbox (a pool of hardened V8 worker processes) over HTTP."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8800)

    def handle(self, *args, host, port, **options):
        if settings.SANDBOX_URL:
            self.stderr.write("Note: SANDBOX_URL is set; this server runs its own pool regardless.")
        pool = WorkerPool(pool_config())
        ready = pool.wait_until_ready(60)

        def browser_pool():
            return get_pool(browser_pool_config())

        if browser_missing() is None:
            browser_pool()  # warm Chromium before the first style test (in the background)
        else:
            self.stderr.write(browser_missing())
        server = SandboxServer(
            (host, port),
            pool,
            settings.SANDBOX_TOKEN,
            settings.SANDBOX_QUEUE_WAIT_MS,
            browser_pool=browser_pool,
        )

        def stop(*_):
            pool.close()  # the browser workers' pool closes at exit (atexit)
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"sandbox server on http://{host}:{port} ({ready} workers ready)", ending="\n")
        self.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.5)
        finally:
            pool.close()
