"""Files: local disk under MEDIA_ROOT by default, any S3-compatible store with
STORAGE_BACKEND=s3 (django-storages)."""

from .env import env, required

STORAGE_BACKEND = env("STORAGE_BACKEND", default="local")  # local | s3

if STORAGE_BACKEND == "s3":
    _default = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": required("AWS_STORAGE_BUCKET_NAME", when="with STORAGE_BACKEND=s3"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "access_key": required("AWS_ACCESS_KEY_ID", when="with STORAGE_BACKEND=s3"),
            "secret_key": required("AWS_SECRET_ACCESS_KEY", when="with STORAGE_BACKEND=s3"),
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default=None),
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    _default = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": _default,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
