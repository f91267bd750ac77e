"""Files (docs/operations.md, "Deployment and scale-out").

Media: local disk under MEDIA_ROOT by default, any S3-compatible store with
STORAGE_BACKEND=s3 (django-storages; AWS_S3_ENDPOINT_URL for MinIO and the like).
Two storages, one bucket:

- `default`: private objects (recordings, certificates, attachments, original images,
  the tutor's index). Nothing in the bucket is public: a URL is signed and expires
  after MEDIA_SIGNED_URL_SECONDS.
- `public`: objects anyone may see (avatars, the renditions of editor images), under
  the `public/` prefix of the same bucket, unsigned, at MEDIA_PUBLIC_BASE_URL (a CDN
  in front of the bucket) when set. Grant anonymous read on `public/*` only (bucket
  policy; the compose file's minio-setup does it).

Static files: WhiteNoise serves STATIC_ROOT from the app (middleware in base.py;
hashed, compressed files in prod.py) with a one-year immutable cache header on every
hashed file.
"""

import warnings
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .env import env, required

STORAGE_BACKEND = env("STORAGE_BACKEND", default="local")  # local | s3
# Lifetime of a signed (private) media URL, seconds.
MEDIA_SIGNED_URL_SECONDS = env.int("MEDIA_SIGNED_URL_SECONDS", default=3600)
# Base URL of public media (a CDN whose origin is the bucket root), e.g.
# https://cdn.example.com; empty: the S3 endpoint's own URL. AWS_S3_CUSTOM_DOMAIN
# (a host, django-storages' own name) is read when this is not set.
MEDIA_PUBLIC_BASE_URL = env("MEDIA_PUBLIC_BASE_URL", default="") or (
    f"https://{env('AWS_S3_CUSTOM_DOMAIN')}" if env("AWS_S3_CUSTOM_DOMAIN", default="") else ""
)
# Key prefix of the public storage's objects (the only part of the bucket to make public).
MEDIA_PUBLIC_PREFIX = "public"
# Hashed static files (name.3f2a9c.css) never change: browsers and CDNs keep them this long.
STATIC_HASHED_MAX_AGE = env.int("STATIC_HASHED_MAX_AGE", default=31_536_000)
# collectstatic in prod also writes brotli copies (about a minute of CPU more than gzip
# alone: site_config/staticfiles.py); the image build turns it on.
STATIC_BROTLI = env.bool("STATIC_BROTLI", default=False)

if MEDIA_SIGNED_URL_SECONDS < 1 or MEDIA_SIGNED_URL_SECONDS > 7 * 24 * 3600:
    # SigV4 presigned URLs live at most 7 days.
    raise ImproperlyConfigured("MEDIA_SIGNED_URL_SECONDS must be between 1 and 604800 (7 days).")


def s3_storages(
    *,
    bucket: str,
    access_key: str,
    secret_key: str,
    endpoint_url: str | None = None,
    region: str | None = None,
    addressing_style: str | None = None,
    signed_url_seconds: int = 3600,
    public_base_url: str = "",
) -> dict:
    """The `default` (private, signed) and `public` (unsigned, CDN) S3 storages. A
    function so that the tests configure the storages exactly as the settings do."""
    common = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "access_key": access_key,
        "secret_key": secret_key,
        "addressing_style": addressing_style or None,
        "signature_version": "s3v4",
        "file_overwrite": False,
        # No ACL per object: what is public is decided by the bucket policy on the prefix.
        "default_acl": None,
    }
    public = common | {"location": MEDIA_PUBLIC_PREFIX, "querystring_auth": False}
    if public_base_url:
        base = urlsplit(public_base_url)
        if base.scheme not in ("http", "https") or not base.netloc:
            raise ImproperlyConfigured(
                "MEDIA_PUBLIC_BASE_URL must be an http(s) URL, e.g. https://cdn.example.com"
            )
        public |= {"custom_domain": (base.netloc + base.path).rstrip("/"), "url_protocol": f"{base.scheme}:"}
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": common | {"querystring_auth": True, "querystring_expire": signed_url_seconds},
        },
        "public": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": public},
    }


if STORAGE_BACKEND == "s3":
    _media = s3_storages(
        bucket=required("AWS_STORAGE_BUCKET_NAME", when="with STORAGE_BACKEND=s3"),
        access_key=required("AWS_ACCESS_KEY_ID", when="with STORAGE_BACKEND=s3"),
        secret_key=required("AWS_SECRET_ACCESS_KEY", when="with STORAGE_BACKEND=s3"),
        endpoint_url=env("AWS_S3_ENDPOINT_URL", default=None),
        region=env("AWS_S3_REGION_NAME", default=None),
        addressing_style=env("AWS_S3_ADDRESSING_STYLE", default=None),
        signed_url_seconds=MEDIA_SIGNED_URL_SECONDS,
        public_base_url=MEDIA_PUBLIC_BASE_URL,
    )
elif STORAGE_BACKEND == "local":
    # One folder and URL for both on disk (MEDIA_ROOT, MEDIA_URL).
    _local = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _media = {"default": _local, "public": _local}
else:
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be 'local' or 's3', not {STORAGE_BACKEND!r}.")

STORAGES = {
    **_media,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Renditions of editor images (what lessons show) are public; the originals stay private.
# (The lazy proxy of site_config/files.py, so that it follows STORAGES.)
WAGTAILIMAGES_RENDITION_STORAGE = "site_config.files.public_storage"


def _static_cache_headers(headers, path, url):
    """WhiteNoise marks hashed files `max-age=315360000, public, immutable` (ten years);
    HTTP caches are asked for at most a year (RFC 9111), so one year it is."""
    if "immutable" in headers.get("Cache-Control", ""):
        headers["Cache-Control"] = f"max-age={STATIC_HASHED_MAX_AGE}, public, immutable"


WHITENOISE_ADD_HEADERS_FUNCTION = _static_cache_headers

# Before `collectstatic` (dev, tests) STATIC_ROOT does not exist: runserver serves the
# apps' static files itself, and the image runs collectstatic when it is built.
warnings.filterwarnings("ignore", message=r"No directory at: ")
