#!/bin/sh
# migrate: migrations + schedules, once. web: (migrate unless MIGRATE_ON_START=0) then
# gunicorn. worker: the light job queue's qcluster; worker-heavy: the heavy queue's
# (docs/operations.md, "Jobs and queues").
# (The image runs collectstatic when it is built: docker/Dockerfile.)
# tests/test_prod_smoke.py runs this script on the host, as the image would.
set -eu
case "${1:-web}" in
  migrate)
    # One-shot, once per deploy (compose's `migrate` service, before web and worker).
    python manage.py migrate --no-input
    exec python manage.py setup_schedules
    ;;
  web)
    # A single web container migrates itself; replicas leave it to `migrate`
    # (MIGRATE_ON_START=0), so that N of them never race over one schema.
    if [ "${MIGRATE_ON_START:-1}" = "1" ]; then
      python manage.py migrate --no-input
      python manage.py setup_schedules
    fi
    # Forwarding headers are believed only from TRUSTED_PROXIES (the same list Django
    # uses, site_config/client_ip.py); without it, only from loopback.
    exec gunicorn site_config.wsgi:application --bind "${BIND_HOST:-0.0.0.0}:${PORT:-8000}" \
      --workers "${WEB_CONCURRENCY:-3}" --worker-class gthread --threads "${WEB_THREADS:-4}" \
      --access-logfile /dev/null --forwarded-allow-ips "${TRUSTED_PROXIES:-127.0.0.1,::1}"
    ;;
  worker)
    exec python manage.py qcluster
    ;;
  worker-heavy)
    export Q_CLUSTER_NAME=heavy
    exec python manage.py qcluster
    ;;
  *)
    exec "$@"
    ;;
esac
