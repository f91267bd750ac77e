"""A real S3-compatible server for the storage tests: moto in server mode (`moto[server]`,
requirements-dev.txt), started once per test session in a process of its own on a free
loopback port, speaking the S3 HTTP API to boto3 exactly as MinIO or AWS would.

What moto enforces (moto 5.2.5, read in moto/s3/responses.py): the S3 protocol
(buckets, keys, ranges, errors such as NoSuchKey) and access by anonymous requests:
a GET with neither an Authorization header nor a signature is refused (403) unless
the bucket policy allows it, as on AWS or MinIO. It does not verify the signature or
the expiry of a presigned URL: any `Signature=` in the query is let through. So the
tests check those themselves (the signature recomputed with botocore from the
credentials, the expiry read from the URL); see docs/operations.md.

Fixtures `s3_server` (session) and `s3_media` (a bucket per test), a plugin of the root
conftest.py (pytest_plugins), so any test may ask for them.
"""

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass

import boto3
import pytest
import requests

ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key-for-the-local-s3-server"  # noqa: S105
REGION = "us-east-1"


@dataclass(frozen=True)
class S3Server:
    endpoint: str

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def new_bucket(self) -> str:
        """A bucket set up as docs/operations.md says: private, but for anonymous read
        of the public storage's prefix (public/*) granted by the bucket policy."""
        name = f"mrict-{uuid.uuid4().hex[:12]}"
        client = self.client()
        client.create_bucket(Bucket=name)
        client.put_bucket_policy(Bucket=name, Policy=json.dumps(public_read_policy(name)))
        return name

    def env(self, bucket: str, **extra: str) -> dict[str, str]:
        """The environment a process needs to use this server (STORAGE_BACKEND=s3)."""
        return {
            "STORAGE_BACKEND": "s3",
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_S3_REGION_NAME": REGION,
            **extra,
        }


def public_read_policy(bucket: str, prefix: str = "public") -> dict:
    """Anonymous read of `prefix/*` and nothing else (MinIO: `mc anonymous set download`)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ["*"]},
                "Action": ["s3:GetObject"],
                "Resource": [f"arn:aws:s3:::{bucket}/{prefix}/*"],
            }
        ],
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"moto_server exited with {process.returncode}: {process.stderr.read()}")
            try:
                requests.get(f"{endpoint}/moto-api/", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    pytest.fail("moto_server did not answer within 60 s")
                time.sleep(0.2)
        yield S3Server(endpoint)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class S3Media:
    bucket: str
    server: S3Server
    _settings: object

    def configure(self, **overrides) -> None:
        """(Re)point STORAGES at the bucket, configured by the same function as the
        settings (site_config/settings/storage.py); `overrides` are its arguments."""
        from site_config.settings.storage import s3_storages

        arguments = {
            "bucket": self.bucket,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "endpoint_url": self.server.endpoint,
            "region": REGION,
            "signed_url_seconds": self._settings.MEDIA_SIGNED_URL_SECONDS,
            "public_base_url": self._settings.MEDIA_PUBLIC_BASE_URL,
        } | overrides
        self._settings.STORAGE_BACKEND = "s3"
        self._settings.STORAGES = self._settings.STORAGES | s3_storages(**arguments)

    def object_keys(self) -> set[str]:
        listing = self.server.client().list_objects_v2(Bucket=self.bucket)
        return {item["Key"] for item in listing.get("Contents", [])}

    def object_bytes(self, key: str) -> bytes:
        return self.server.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()


@pytest.fixture
def s3_media(s3_server, settings) -> S3Media:
    """This test's media (both storages) on a fresh bucket of the S3 server."""
    media = S3Media(s3_server.new_bucket(), s3_server, settings)
    media.configure()
    return media
