# The real S3-compatible server (moto in server mode) and a bucket per test.
from .s3_server import s3_media, s3_server  # noqa: F401
