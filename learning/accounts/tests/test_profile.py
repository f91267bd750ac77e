"""Profile CRUD, public profiles and avatars through the API."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from .factories import UserFactory
from .helpers import assert_error
from .images import image_bytes, noise_png, png_bomb

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/me/"
AVATAR = "/api/v1/auth/me/avatar/"


def profile_url(user) -> str:
    return f"/api/v1/auth/profiles/{user.pk}/"


def _upload(api, content: bytes, name="avatar.png", content_type="image/png"):
    return api.put(
        AVATAR, {"avatar": SimpleUploadedFile(name, content, content_type=content_type)}, format="multipart"
    )


# --- profile fields ---


def test_me_shows_private_fields(api, student):
    body = api.login_as(student).get(ME).json()
    assert set(body) == {
        "id",
        "email",
        "email_verified",
        "display_name",
        "bio",
        "locale",
        "time_zone",
        "avatar_url",
        "roles",
        "organisation",
        "date_joined",
        "profile_taken_down_at",  # set by moderation (docs/moderation.md)
        "profile_takedown_reason",
    }
    assert body["email"] == student.email and body["roles"] == ["student"]
    assert body["organisation"] is None
    assert body["profile_taken_down_at"] is None and body["profile_takedown_reason"] == ""


def test_edit_own_profile(api, student):
    api.login_as(student)
    changes = {
        "display_name": "Stu",
        "bio": "I like CSS.",
        "locale": "pt-br",
        "time_zone": "America/Sao_Paulo",
    }
    response = api.patch(ME, changes)
    assert response.status_code == 200
    assert {k: response.json()[k] for k in changes} == changes
    student.refresh_from_db()
    assert (student.display_name, student.locale, student.time_zone) == ("Stu", "pt-br", "America/Sao_Paulo")


def test_email_and_roles_are_not_editable_through_the_profile(api, student):
    api.login_as(student)
    response = api.patch(ME, {"email": "hijack@example.test", "roles": ["admin"], "email_verified": False})
    # Refused out loud (they used to be dropped silently): one read_only_field per key.
    assert response.status_code == 400
    assert [e["code"] for e in response.json()["errors"]] == ["read_only_field"] * 3
    student.refresh_from_db()
    assert student.email != "hijack@example.test" and student.email_verified
    assert not student.groups.filter(name="admin").exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "invalid_choice"),
        ({"locale": "xx-nope"}, "invalid_choice"),
        ({"bio": "x" * 1001}, "max_length"),
        ({"display_name": "x" * 81}, "max_length"),
        ({"display_name": None}, "null"),
        ({"time_zone": ["UTC"]}, None),
    ],
)
def test_bad_profile_values_are_400_and_nothing_changes(api, student, change, code):
    api.login_as(student)
    before = api.get(ME).json()
    assert_error(api.patch(ME, change, format="json"), 400, code, next(iter(change)))
    assert api.get(ME).json() == before


def test_public_profile_exposes_only_public_fields(api, student, teacher):
    teacher.display_name, teacher.bio = "Ms T", "Teaches HTML."
    teacher.save()
    body = api.login_as(student).get(profile_url(teacher)).json()
    assert body == {"id": teacher.pk, "display_name": "Ms T", "bio": "Teaches HTML.", "avatar_url": None}


def test_editing_another_users_profile_is_forbidden(api, student, teacher):
    api.login_as(student)
    response = api.patch(profile_url(teacher), {"display_name": "pwned"})
    assert_error(response, 403, "permission_denied")
    teacher.refresh_from_db()
    assert teacher.display_name != "pwned"
    # other methods do not exist here
    assert_error(api.put(profile_url(teacher), {"display_name": "pwned"}), 405)
    assert_error(api.delete(profile_url(teacher)), 405)


def test_owner_may_edit_through_the_profile_address(api, student):
    response = api.login_as(student).patch(profile_url(student), {"bio": "mine"})
    assert response.status_code == 200 and response.json()["bio"] == "mine"


def test_unknown_and_disabled_profiles_are_404(api, student):
    disabled = UserFactory(is_active=False)
    api.login_as(student)
    assert_error(api.get(profile_url(disabled)), 404, "not_found")
    assert_error(api.patch(profile_url(disabled), {"bio": "x"}), 404, "not_found")
    assert_error(api.get("/api/v1/auth/profiles/999999/"), 404, "not_found")


def test_profiles_need_login(api, student):
    assert_error(api.get(profile_url(student)), 401, "not_authenticated")
    assert_error(api.patch(ME, {"bio": "x"}), 401, "not_authenticated")


# --- avatars ---


def _stored_image(user) -> Image.Image:
    user.refresh_from_db()
    with user.avatar.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def test_avatar_is_stored_as_a_square_webp_rendition(api, student, settings):
    response = _upload(api.login_as(student), image_bytes((300, 150)))
    assert response.status_code == 200, response.content
    url = response.json()["avatar_url"]
    assert url.startswith("http://testserver/media/avatars/") and url.endswith(".webp")
    image = _stored_image(student)
    assert image.format == "WEBP" and image.size == (settings.AVATAR_SIZE, settings.AVATAR_SIZE) == (256, 256)


def test_avatar_metadata_is_stripped(api, student):
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."  # Make
    exif[0x0110] = "Model 7"  # Model
    exif[0x0112] = 6  # Orientation: rotated; applied to the pixels, then dropped
    source = image_bytes((120, 80), fmt="JPEG", exif=exif.tobytes(), icc_profile=b"fake-icc-profile" * 8)
    assert b"SpyCam" in source
    assert _upload(api.login_as(student), source, name="me.jpg", content_type="image/jpeg").status_code == 200
    image = _stored_image(student)
    assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info
    with student.avatar.open("rb") as handle:
        assert b"SpyCam" not in handle.read()


def test_avatar_that_is_a_renamed_text_file_is_refused(api, student):
    response = _upload(api.login_as(student), b"just some text, not pixels\n" * 20, name="cat.png")
    assert_error(response, 400, "invalid_image", "avatar")
    student.refresh_from_db()
    assert not student.avatar


def test_truncated_image_is_refused(api, student):
    assert_error(_upload(api.login_as(student), noise_png(64)[:500]), 400, "invalid_image", "avatar")


def test_truncated_image_is_refused_after_the_certificate_renderer_is_loaded(api, student):
    """WeasyPrint's import flips Pillow's process-wide LOAD_TRUNCATED_IMAGES; the
    certificates renderer puts it back, so a process that rendered a certificate (a
    worker, a test run) still refuses a truncated avatar."""
    import learning.rewards.certificates.render  # noqa: F401

    assert_error(_upload(api.login_as(student), noise_png(64)[:500]), 400, "invalid_image", "avatar")


def test_format_outside_the_allow_list_is_refused(api, student):
    bmp = image_bytes((50, 50), fmt="BMP")
    assert_error(_upload(api.login_as(student), bmp, name="a.png"), 400, "invalid_image", "avatar")


def test_oversized_avatar_is_refused(api, student, settings):
    big = noise_png(900)
    assert len(big) > settings.AVATAR_MAX_BYTES == 2 * 1024 * 1024
    assert_error(_upload(api.login_as(student), big), 400, "file_too_large", "avatar")


def test_png_bomb_of_20000_by_20000_is_refused(api, student):
    bomb = png_bomb(20000, 20000)
    assert len(bomb) < 200_000  # tiny on the wire
    assert_error(_upload(api.login_as(student), bomb), 400, "image_too_large", "avatar")
    student.refresh_from_db()
    assert not student.avatar


def test_pixel_limit_applies_below_pillows_own_limit(api, student, settings):
    settings.AVATAR_MAX_PIXELS = 1_000_000
    assert_error(_upload(api.login_as(student), png_bomb(1500, 1000)), 400, "image_too_large", "avatar")
    assert _upload(api, png_bomb(1000, 1000)).status_code == 200


def _png_16_bit(width: int, height: int) -> bytes:
    """A real 16-bit grayscale PNG made by Pillow: a few KB on the wire."""
    out = io.BytesIO()
    Image.new("I;16", (width, height), 1234).save(out, format="PNG")
    return out.getvalue()


def test_16_bit_png_past_the_decoded_memory_limit_is_refused(api, student, settings):
    """5000x5000 at 16 bits: within the pixel limit, 194 KB, but it once cost +570 MB
    to process. Refused from its header by the memory estimate."""
    content = _png_16_bit(5000, 5000)
    assert len(content) < settings.AVATAR_MAX_BYTES and settings.AVATAR_MAX_PIXELS >= 5000 * 5000
    body = assert_error(_upload(api.login_as(student), content), 400, "image_too_large", "avatar")
    assert "memory" in body["errors"][0]["detail"]
    student.refresh_from_db()
    assert not student.avatar
    # a small 16-bit PNG is fine
    assert _upload(api, _png_16_bit(600, 400)).status_code == 200


def test_decoded_memory_limit_is_a_setting(api, student, settings):
    settings.AVATAR_MAX_DECODED_BYTES = 1000 * 1000 * 4 - 1  # just under one 1000x1000 RGB
    api.login_as(student)
    assert_error(_upload(api, image_bytes((1000, 1000))), 400, "image_too_large", "avatar")
    assert _upload(api, image_bytes((999, 1000))).status_code == 200


def test_unverified_account_may_not_upload_an_avatar(api):
    unverified = UserFactory(role="student", email_verified=False)
    api.login_as(unverified)
    assert_error(_upload(api, image_bytes((64, 64))), 403, "email_not_verified")
    unverified.refresh_from_db()
    assert not unverified.avatar
    assert api.delete(AVATAR).status_code == 204  # removing stays open


def test_avatar_uploads_are_throttled_per_user(make_api, student, teacher, settings):
    settings.AUTH_THROTTLE_RATES = {**settings.AUTH_THROTTLE_RATES, "avatar": "2/hour"}
    api = make_api().login_as(student)
    for _ in range(2):
        assert _upload(api, image_bytes((64, 64))).status_code == 200
    response = _upload(api, image_bytes((64, 64)))
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert api.delete(AVATAR).status_code == 204  # only uploads count
    assert _upload(make_api().login_as(teacher), image_bytes((64, 64))).status_code == 200


def test_avatar_decodes_are_bounded_per_process_with_429_when_full(api, student, settings):
    from learning.accounts.images import decode_slot

    settings.AVATAR_MAX_CONCURRENT_DECODES = 1
    settings.AVATAR_DECODE_WAIT_MS = 50
    api.login_as(student)
    with decode_slot():  # another upload being decoded in this process
        response = _upload(api, image_bytes((64, 64)))
        assert_error(response, 429, "avatar_busy")
        assert int(response["Retry-After"]) >= 1
    student.refresh_from_db()
    assert not student.avatar
    assert _upload(api, image_bytes((64, 64))).status_code == 200


def test_animated_gif_keeps_its_first_frame(api, student):
    frames = [Image.new("RGB", (40, 40), c) for c in ((255, 0, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:])
    assert (
        _upload(api.login_as(student), out.getvalue(), name="a.gif", content_type="image/gif").status_code
        == 200
    )
    red, green, blue = _stored_image(student).convert("RGB").getpixel((128, 128))
    assert red > 200 and blue < 50


def test_transparent_png_keeps_transparency(api, student):
    source = image_bytes((64, 64), mode="RGBA", color=(0, 0, 0, 0))
    assert _upload(api.login_as(student), source).status_code == 200
    assert _stored_image(student).convert("RGBA").getpixel((5, 5))[3] == 0


def test_replacing_and_removing_the_avatar_deletes_old_files(api, student):
    api.login_as(student)
    _upload(api, image_bytes())
    student.refresh_from_db()
    first = student.avatar.path
    _upload(api, image_bytes(color=(0, 255, 0)))
    student.refresh_from_db()
    second = student.avatar.path
    assert first != second
    import os

    assert not os.path.exists(first) and os.path.exists(second)
    assert api.delete(AVATAR).status_code == 204
    student.refresh_from_db()
    assert not student.avatar and not os.path.exists(second)
    assert api.get(ME).json()["avatar_url"] is None


def test_avatar_needs_a_file_and_login(api, student):
    assert_error(api.put(AVATAR, {}, format="multipart"), 401)
    api.login_as(student)
    assert_error(api.put(AVATAR, {}, format="multipart"), 400, "required", "avatar")
    assert_error(api.put(AVATAR, {"avatar": "text"}, format="json"), 415)


def test_public_profile_shows_the_avatar(api, student, teacher):
    _upload(api.login_as(teacher), image_bytes())
    assert api.login_as(student).get(profile_url(teacher)).json()["avatar_url"].endswith(".webp")
