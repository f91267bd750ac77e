"""Helpers of the export tests: request an export through the API (its job runs, as
the suite's jobs do, synchronously once the request commits), read its file back
through the signed link."""

from __future__ import annotations

import csv
import io

EXPORTS = "/api/v1/analytics/exports/"


def request_export(client, capture, *, kind, format="csv", scope="course", target=None, expect=202):
    body = {"kind": kind, "format": format, "scope": scope, scope: target}
    with capture(execute=True):
        response = client.post(EXPORTS, body, format="json")
    assert response.status_code == expect, response.content
    return response.json()


def poll(client, export_id) -> dict:
    response = client.get(f"{EXPORTS}{export_id}/")
    assert response.status_code == 200, response.content
    return response.json()


def download(anonymous_client, url: str):
    """The file through the signed link, with no bearer token."""
    return anonymous_client.get(url)


def table(response, format: str) -> list[list]:
    """The downloaded file as rows of cells (header first)."""
    data = b"".join(response.streaming_content)
    if format == "csv":
        assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    sheet = book.worksheets[0]
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def export_rows(client, anonymous_client, capture, **kwargs) -> tuple[dict, list[list]]:
    """Request, check it finished, download; (the export's final state, its table)."""
    created = request_export(client, capture, **kwargs)
    state = poll(client, created["id"])
    assert state["status"] == "done", state
    assert state["progress"] == 100
    response = download(anonymous_client, state["download"]["url"])
    assert response.status_code == 200, response.content if not response.streaming else ""
    return state, table(response, kwargs.get("format", "csv"))
