#!/bin/sh
# web: migrate, declare schedules, serve with gunicorn. worker: qcluster.
set -eu
case "${1:-web}" in
  web)
    python manage.py migrate --no-input
    python manage.py setup_schedules
    exec gunicorn site_config.wsgi:application --bind "0.0.0.0:${PORT}" \
      --workers "${WEB_CONCURRENCY:-3}" --worker-class gthread --threads "${WEB_THREADS:-4}" \
      --access-logfile /dev/null --forwarded-allow-ips "*"
    ;;
  worker)
    exec python manage.py qcluster
    ;;
  *)
    exec "$@"
    ;;
esac
