"""Zip export and import through the real API: a round trip, and every attack refused
with its own code and nothing written (zips built byte by byte where zipfile would not
write the attack itself)."""

import io
import stat
import struct
import zipfile

import pytest

from ..models import Project
from .helpers import BASE, assert_error, create, url, write

pytestmark = pytest.mark.django_db


def make_zip(entries, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """entries: (name, bytes) or (ZipInfo, bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(client, data: bytes, title="Imported"):
    return client.post(
        BASE + "import/",
        {"file": io.BytesIO(data), "title": title},
        format="multipart",
    )


def upload_named(client, data: bytes):
    f = io.BytesIO(data)
    f.name = "site.zip"
    return client.post(BASE + "import/", {"file": f, "title": "Imported"}, format="multipart")


def assert_refused(client, student, data: bytes, code: str):
    before = Project.objects.filter(owner=student).count()
    assert_error(upload_named(client, data), 400, code)
    assert Project.objects.filter(owner=student).count() == before


def test_export_streams_a_zip_that_imports_back_the_same(auth_client, student):
    client = auth_client(student)
    project = create(client)
    project = write(client, project, "css/caf\u00e9.css", "h1{}").json()
    project = client.post(
        url(project["id"], "folders/"), {"path": "empty", "version": 2}, format="json"
    ).json()
    response = client.get(url(project["id"], "export/"))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["css/caf\u00e9.css", "empty/", "index.html"]
    imported = upload_named(client, data)
    assert imported.status_code == 201, imported.content
    body = imported.json()
    assert {f["path"]: f["content"] for f in body["files"]} == {
        f["path"]: f["content"] for f in project["files"]
    }
    assert body["folders"] == ["empty"]


def test_mac_metadata_is_left_out(auth_client, student):
    data = make_zip([("index.html", b"x"), ("__MACOSX/._index.html", b"\x00\x05"), (".DS_Store", b"\x00")])
    body = upload_named(auth_client(student), data).json()
    assert [f["path"] for f in body["files"]] == ["index.html"]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("../evil.html", "path_traversal"),
        ("site/../../evil.html", "path_traversal"),
        ("/etc/evil.html", "absolute_path"),
        ("C:/evil.html", "absolute_path"),
        ("dir\\evil.html", "invalid_path"),
        ("AUX.html", "reserved_name"),
        ("run.exe", "unsupported_extension"),
    ],
)
def test_bad_names_are_refused(auth_client, student, name, code):
    assert_refused(auth_client(student), student, make_zip([("index.html", b"ok"), (name, b"x")]), code)


def test_a_nul_in_a_name_is_refused(auth_client, student):
    # zipfile cuts a name at NUL when reading; the raw name is what counts
    data = make_zip([("index.html", b"ok"), ("evil.htmlX.txt", b"x")])
    data = data.replace(b"evil.htmlX.txt", b"evil.html\x00.txt")
    assert_refused(auth_client(student), student, data, "invalid_path")


def test_a_symlink_is_refused(auth_client, student):
    info = zipfile.ZipInfo("link.html")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    assert_refused(
        auth_client(student),
        student,
        make_zip([("index.html", b"ok"), (info, b"/etc/passwd")]),
        "zip_symlink",
    )


def test_a_device_or_fifo_is_refused(auth_client, student):
    info = zipfile.ZipInfo("pipe.txt")
    info.external_attr = (stat.S_IFIFO | 0o644) << 16
    assert_refused(auth_client(student), student, make_zip([(info, b"")]), "zip_special_file")


def test_duplicate_names_are_refused(auth_client, student):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it is told to write
        exact = make_zip([("index.html", b"a"), ("index.html", b"b")])
    client = auth_client(student)
    assert_refused(client, student, exact, "duplicate_path")
    assert_refused(client, student, make_zip([("index.html", b"a"), ("INDEX.HTML", b"b")]), "duplicate_path")
    assert_refused(
        client, student, make_zip([("caf\u00e9.html", b"a"), ("cafe\u0301.html", b"b")]), "duplicate_path"
    )


def test_too_many_entries_and_files_are_refused(auth_client, student, settings):
    client = auth_client(student)
    settings.PROJECT_ZIP_MAX_ENTRIES = 5
    assert_refused(client, student, make_zip([(f"f{i}.txt", b"x") for i in range(6)]), "zip_too_many_entries")
    settings.PROJECT_ZIP_MAX_ENTRIES = 100
    settings.PROJECT_MAX_FILES = 3
    assert_refused(client, student, make_zip([(f"f{i}.txt", b"x") for i in range(4)]), "too_many_files")


def test_a_zip_bomb_is_refused_by_its_ratio(auth_client, student, settings):
    # 150 KB of zeros deflate to ~150 bytes: a ratio near 1000
    bomb = make_zip([("index.html", b"ok"), ("bomb.txt", b"\x00" * 150_000)])
    assert_refused(auth_client(student), student, bomb, "zip_bomb")


def test_declared_sizes_above_the_limits_are_refused_before_inflating(auth_client, student, settings):
    client = auth_client(student)
    settings.PROJECT_MAX_FILE_BYTES = 1000
    assert_refused(
        client, student, make_zip([("a.txt", b"x" * 1001)], compression=zipfile.ZIP_STORED), "file_too_large"
    )
    settings.PROJECT_MAX_BYTES = 1500
    many = make_zip([(f"{i}.txt", b"x" * 600) for i in range(3)], compression=zipfile.ZIP_STORED)
    assert_refused(client, student, many, "project_too_large")


def _lie_about_size(data: bytes, name: bytes, declared: int) -> bytes:
    """Rewrite the uncompressed size of `name` in the local header and the central
    directory (the CRC no longer matters: the reader must stop at the declared size)."""
    out = bytearray(data)
    local = out.find(b"PK\x03\x04")
    while local != -1:
        name_len = struct.unpack_from("<H", out, local + 26)[0]
        if bytes(out[local + 30 : local + 30 + name_len]) == name:
            struct.pack_into("<I", out, local + 22, declared)
        local = out.find(b"PK\x03\x04", local + 4)
    central = out.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", out, central + 28)[0]
        if bytes(out[central + 46 : central + 46 + name_len]) == name:
            struct.pack_into("<I", out, central + 24, declared)
        central = out.find(b"PK\x01\x02", central + 4)
    return bytes(out)


def test_an_entry_that_inflates_past_its_declared_size_is_refused(auth_client, student):
    # A 60 KB entry that claims 5 KB: the declared ratio looks fine, the real one is not.
    payload = __import__("random").Random(1).randbytes(60_000)  # barely compresses
    data = _lie_about_size(make_zip([("index.html", b"ok"), ("big.txt", payload)]), b"big.txt", 5000)
    assert_refused(auth_client(student), student, data, "zip_size_mismatch")
    # and one that claims more than it holds
    short = _lie_about_size(make_zip([("big.txt", payload)]), b"big.txt", len(payload) + 1000)
    assert_refused(auth_client(student), student, short, "zip_size_mismatch")


def test_an_encrypted_entry_is_refused(auth_client, student):
    data = bytearray(make_zip([("a.txt", b"secret")], compression=zipfile.ZIP_STORED))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        flags = struct.unpack_from("<H", data, at + offset)[0]
        struct.pack_into("<H", data, at + offset, flags | 0x1)
    assert_refused(auth_client(student), student, bytes(data), "zip_encrypted")


def test_non_utf8_text_is_refused(auth_client, student):
    latin1 = make_zip([("index.html", "caf\u00e9".encode("latin-1"))])
    assert_refused(auth_client(student), student, latin1, "not_utf8")


def test_binary_content_is_refused(auth_client, student):
    assert_refused(auth_client(student), student, make_zip([("a.js", b"x\x00y")]), "binary")


def test_not_a_zip_and_too_big_are_refused(auth_client, student, settings):
    client = auth_client(student)
    assert_refused(client, student, b"this is not a zip", "zip_invalid")
    truncated = make_zip([("index.html", b"x" * 5000)])[:-30]
    assert_refused(client, student, truncated, "zip_invalid")
    settings.PROJECT_ZIP_MAX_BYTES = 100
    assert_refused(
        client,
        student,
        make_zip([("index.html", b"x" * 500)], compression=zipfile.ZIP_STORED),
        "zip_too_large",
    )


def test_a_damaged_entry_is_refused(auth_client, student):
    data = bytearray(make_zip([("index.html", b"hello world " * 50)]))
    start = data.find(b"index.html") + len("index.html")
    data[start + 2 : start + 12] = b"\xff" * 10  # scramble the deflate stream
    assert_refused(auth_client(student), student, bytes(data), "zip_invalid")


def test_the_import_counts_against_the_project_quota(auth_client, student, settings):
    settings.PROJECT_MAX_PER_USER = 1
    client = auth_client(student)
    create(client)
    assert_refused(client, student, make_zip([("index.html", b"x")]), "too_many_projects")


def test_the_export_of_another_learners_project_is_a_404(auth_client, student, other_teacher):
    theirs = create(auth_client(other_teacher))
    assert_error(auth_client(student).get(url(theirs["id"], "export/")), 404)
