"""Media on S3-compatible storage, against a real S3 server (moto in server mode, a
process of its own: site_config/tests/s3_server.py). The storages are configured by
the settings' own function (site_config/settings/storage.py: s3_storages)."""

import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages

from site_config.files import public_storage

from .s3_server import ACCESS_KEY, REGION, SECRET_KEY

pytestmark = pytest.mark.django_db

PAYLOAD = b"\x00private bytes\xff" * 1000


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def _expected_signature(url: str, *, secret_key: str = SECRET_KEY) -> str:
    """The SigV4 query signature of `url` (without its X-Amz-Signature) computed by
    botocore from the credentials: what AWS or MinIO recompute to accept the link.
    moto lets any presigned URL through (s3_server.py), so the test checks it."""
    parts = urlsplit(url)
    params = [(k, v) for k, values in parse_qs(parts.query).items() for v in values if k != "X-Amz-Signature"]
    request = AWSRequest(method="GET", url=urlunsplit(parts._replace(query=urlencode(params))))
    request.context["timestamp"] = dict(params)["X-Amz-Date"]
    auth = S3SigV4QueryAuth(Credentials(ACCESS_KEY, secret_key), "s3", REGION, expires=0)
    canonical = auth.canonical_request(request)
    return auth.signature(auth.string_to_sign(request, canonical), request)


def test_round_trip_through_django_storage_api(s3_media):
    name = default_storage.save("certificates/round-trip.bin", ContentFile(PAYLOAD))
    assert name in s3_media.object_keys()  # in the bucket, under the private (unprefixed) keys
    assert s3_media.object_bytes(name) == PAYLOAD
    assert default_storage.exists(name) and default_storage.size(name) == len(PAYLOAD)
    with default_storage.open(name, "rb") as handle:
        assert handle.read() == PAYLOAD
    # a second save under the same name never overwrites
    second = default_storage.save("certificates/round-trip.bin", ContentFile(b"other"))
    assert second != name and s3_media.object_bytes(name) == PAYLOAD
    default_storage.delete(name)
    default_storage.delete(second)
    assert not default_storage.exists(name) and s3_media.object_keys() == set()


def test_private_url_is_signed_with_the_configured_expiry_and_serves_the_bytes(s3_media, settings):
    settings.MEDIA_SIGNED_URL_SECONDS = 120
    s3_media.configure()
    name = default_storage.save("recordings/1/video.webm", ContentFile(PAYLOAD))
    url = default_storage.url(name)
    query = _query(url)
    assert url.startswith(f"{s3_media.server.endpoint}/{s3_media.bucket}/recordings/1/")
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert query["X-Amz-Credential"].startswith(f"{ACCESS_KEY}/")
    assert query["X-Amz-Expires"] == "120"
    signed_at = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs(signed_at.timestamp() - time.time()) < 60
    # a valid SigV4 signature by our secret, which a tampered link no longer matches
    assert query["X-Amz-Signature"] == _expected_signature(url)
    assert query["X-Amz-Signature"] != _expected_signature(url, secret_key="another-secret")
    tampered = url.replace("video.webm", "other.webm")
    assert _query(tampered)["X-Amz-Signature"] != _expected_signature(tampered)
    # without its signature the link is refused (the object is private)
    unsigned = urlunsplit(urlsplit(url)._replace(query=""))
    assert requests.get(unsigned, timeout=10).status_code == 403
    # fetched over HTTP from the S3 server: the bytes
    response = requests.get(url, timeout=10)
    assert response.status_code == 200 and response.content == PAYLOAD
    # and ranges, as video players ask
    partial = requests.get(url, headers={"Range": "bytes=0-15"}, timeout=10)
    assert partial.status_code == 206 and partial.content == PAYLOAD[:16]


def test_public_objects_live_under_the_public_prefix_at_the_cdn_base_url(s3_media, settings):
    s3_media.configure(public_base_url="https://cdn.example.test/media/")
    name = public_storage().save("avatars/7/face.webp", ContentFile(b"RIFF-face"))
    assert f"public/{name}" in s3_media.object_keys()
    assert s3_media.object_bytes(f"public/{name}") == b"RIFF-face"
    url = public_storage().url(name)
    assert url == f"https://cdn.example.test/media/public/{name}"  # unsigned, on the CDN
    # the private storage never hands out CDN or unsigned links
    assert "X-Amz-Signature" in default_storage.url("anything.bin")
    assert not default_storage.url("anything.bin").startswith("https://cdn.example.test")


def test_public_url_without_a_cdn_is_the_unsigned_bucket_url(s3_media):
    name = public_storage().save("avatars/8/face.webp", ContentFile(b"RIFF-face-8"))
    url = public_storage().url(name)
    assert url == f"{s3_media.server.endpoint}/{s3_media.bucket}/public/{name}"
    assert "X-Amz-Signature" not in url
    # anonymous read, allowed by the bucket policy on public/* only
    response = requests.get(url, timeout=10)
    assert response.status_code == 200 and response.content == b"RIFF-face-8"


def test_public_storage_follows_the_settings(s3_media, settings):
    """The lazy proxy models hold (avatar, renditions) resolves the current STORAGES."""
    assert public_storage()._wrapped is not storages["default"]
    assert public_storage().location == "public"
    s3_media.configure(public_base_url="https://cdn-2.example.test")
    assert public_storage().url("x.webp") == "https://cdn-2.example.test/public/x.webp"


def test_wagtail_image_renditions_are_public_and_originals_private(s3_media, settings):
    from wagtail.images.models import Image

    from learning.accounts.tests.images import image_bytes

    s3_media.configure(public_base_url="https://cdn.example.test")
    image = Image(title="Diagram")
    image.file.save("diagram.png", ContentFile(image_bytes((64, 48)), name="diagram.png"), save=False)
    image.save()
    assert image.file.name in s3_media.object_keys()  # the original: private
    assert "X-Amz-Signature" in image.file.url
    rendition = image.get_rendition("width-32")
    assert f"public/{rendition.file.name}" in s3_media.object_keys()
    assert rendition.url == f"https://cdn.example.test/public/{rendition.file.name}"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND must be 'local' or 's3'"),
        ({"MEDIA_SIGNED_URL_SECONDS": "0"}, "MEDIA_SIGNED_URL_SECONDS must be between"),
        ({"MEDIA_SIGNED_URL_SECONDS": "700000"}, "MEDIA_SIGNED_URL_SECONDS must be between"),
    ],
)
def test_bad_storage_settings_stop_the_process_naming_the_setting(variables, message):
    import os
    import subprocess
    import sys

    from site_config.settings.env import BASE_DIR

    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | variables
    result = subprocess.run(
        [sys.executable, "-c", "import site_config.settings.storage"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and message in result.stderr


def test_a_public_base_url_that_is_not_http_is_refused():
    from site_config.settings.storage import s3_storages

    with pytest.raises(ImproperlyConfigured, match="MEDIA_PUBLIC_BASE_URL must be an http"):
        s3_storages(bucket="b", access_key="a", secret_key="s", public_base_url="cdn.example.test")


# --- the project's own upload flows, with media on S3 ---


def test_avatar_upload_through_the_api_lands_on_s3_behind_the_cdn(
    s3_media, auth_client, student, teacher, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from learning.accounts.tests.images import image_bytes

    s3_media.configure(public_base_url="https://cdn.example.test")
    api = auth_client(student)

    def upload():
        with django_capture_on_commit_callbacks(execute=True):
            file = SimpleUploadedFile("me.png", image_bytes((300, 150)), content_type="image/png")
            return api.put("/api/v1/auth/me/avatar/", {"avatar": file}, format="multipart")

    response = upload()
    assert response.status_code == 200, response.content
    url = response.json()["avatar_url"]
    assert url.startswith(f"https://cdn.example.test/public/avatars/{student.pk}/") and url.endswith(".webp")
    key = url.removeprefix("https://cdn.example.test/")
    assert s3_media.object_keys() == {key}
    assert s3_media.object_bytes(key)[8:12] == b"WEBP"
    # the public profile shows the same CDN URL; the object answers anonymously from S3
    profile = auth_client(teacher).get(f"/api/v1/auth/profiles/{student.pk}/").json()
    assert profile["avatar_url"] == url
    direct = requests.get(f"{s3_media.server.endpoint}/{s3_media.bucket}/{key}", timeout=10)
    assert direct.status_code == 200 and direct.content[8:12] == b"WEBP"
    # a new avatar replaces the object; removing it deletes it
    second = upload().json()["avatar_url"]
    assert second != url and s3_media.object_keys() == {second.removeprefix("https://cdn.example.test/")}
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete("/api/v1/auth/me/avatar/").status_code == 204
    assert s3_media.object_keys() == set()


@pytest.mark.parametrize("brotli", [False, True])
def test_static_brotli_copies_follow_the_setting(settings, brotli):
    from site_config.staticfiles import CompressedStaticFilesStorage

    settings.STATIC_BROTLI = brotli
    compressor = CompressedStaticFilesStorage().create_compressor()
    assert compressor.use_gzip is True
    assert compressor.use_brotli is brotli
