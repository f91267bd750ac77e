#!/bin/sh
# web: migrate, declare schedules, serve with gunicorn. worker: the light job queue's
# qcluster; worker-heavy: the heavy queue's (docs/operations.md, "Jobs and queues").
set -eu
case "${1:-web}" in
  web)
    python manage.py migrate --no-input
    python manage.py setup_schedules
    # Forwarding headers are believed only from TRUSTED_PROXIES (the same list Django
    # uses, site_config/client_ip.py); without it, only from loopback.
    exec gunicorn site_config.wsgi:application --bind "0.0.0.0:${PORT}" \
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
