"""Lesson attachments (Wagtail documents): who may download one, and the download URLs
the API hands out.

Wagtail serves documents at `/documents/<id>/<filename>` and, by default, to anyone who
knows the id and the name, so a draft lesson's attachment leaked to anonymous callers.
`document_serve_check` runs in Wagtail's `before_serve_document` hook (cms/wagtail_hooks.py)
for every download, local file or S3 redirect alike
(https://docs.wagtail.org/en/stable/reference/hooks.html#before-serve-document).

The rule (`document_visible_to`):

* editors: whoever may choose or change documents in the document's collection in the
  Wagtail editor (teachers and admins by the collection permissions of migration
  cms/0004) may download it, drafts' attachments and attachments used by no page
  included: that is the editor's shared media library, which the chooser already shows
  them;
* learners: a document used in the live body of a lesson that the caller may read, by the
  learner API's own rules: `user_may_learn` (signed in, verified email) and the lesson
  visible (`cms.selectors.lesson_ids_visible`: live, under live module and course). Uses
  come from Wagtail's reference index, which tracks the page row, i.e. the published
  content;
* anyone else, anonymous callers included: 404 in the error shape (as for a draft page,
  existence does not leak beyond what the id and name already say).

Who is the caller: the Django session (the editor), or an `Authorization: Bearer <access
JWT>` header (API clients that can set headers), or a signed `?token=` in the URL. A
browser following an `<a href>` or `<img src>` cannot send a header, so every download URL
in an API response is signed for the caller who received it (`document_url`): the token
names the document and the user, expires after DOCUMENT_URL_MAX_AGE seconds, and the
download re-checks that user's right at that moment (unpublishing, deactivation or a lost
verification close the link at once). The preview endpoint, whose own signed token is the
credential, hands out grants for the document alone (`user=None`).
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.http import HttpResponse
from rest_framework.exceptions import AuthenticationFailed
from wagtail.models import Page, ReferenceIndex

from learning.accounts.permissions import user_may_learn
from site_config.api.errors import api_error_response

TOKEN_PARAM = "token"  # noqa: S105 (a query parameter name, not a secret)
_SALT = "cms.documents.download"
_EDITOR_ACTIONS = ["choose", "change"]
_ANYONE = 0  # user id of a grant for the document alone (preview)


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def user_is_document_editor(user, document) -> bool:
    """Teachers and admins: the editor's media library (Wagtail collection permissions)."""
    from wagtail.permissions import policy_registry

    policy = policy_registry.get_by_type(type(document))
    return _active(user) and policy.user_has_any_permission_for_instance(user, _EDITOR_ACTIONS, document)


def document_page_ids(document) -> list[int]:
    """Ids of the pages whose saved (i.e. published, for live pages) content uses the document."""
    page_type = ContentType.objects.get_for_model(Page)
    ids = ReferenceIndex.get_references_to(document).filter(base_content_type=page_type)
    return [int(pk) for pk in ids.values_list("object_id", flat=True).distinct()]


def document_visible_to(*, user, document) -> bool:
    if not _active(user):
        return False
    if user_is_document_editor(user, document):
        return True
    if not user_may_learn(user):
        return False
    from cms.selectors import lesson_ids_visible

    return bool(lesson_ids_visible(document_page_ids(document)))


# --- download URLs ---------------------------------------------------------------------------


class _SteppedTimestampSigner(signing.TimestampSigner):
    """Dates its tokens at the start of the current step rather than the current second,
    so one caller's links to a document are the same bytes for a while: a lesson's body
    (and its ETag) then stays the same between requests and a conditional GET can be
    answered 304. A link still expires DOCUMENT_URL_MAX_AGE seconds after its date, i.e.
    at most one step (1/12 of that, at most 5 minutes) earlier than before."""

    def timestamp(self):
        step = max(1, min(300, settings.DOCUMENT_URL_MAX_AGE // 12))
        return signing.b62_encode(int(time.time()) // step * step)


def _signer() -> signing.TimestampSigner:
    return _SteppedTimestampSigner(salt=_SALT)


def document_token_query(document_id: int, user_id: int) -> str:
    """`token=…` for a download URL of this document signed for this user id (checked
    again at download). The content cache puts it into cached lesson bodies per caller."""
    return urlencode({TOKEN_PARAM: _signer().sign_object({"d": document_id, "u": user_id})})


def document_url(document, *, user=None, grant: bool = False) -> str:
    """The download URL to put in an API response: signed for `user` (re-checked at
    download), or with `grant=True` for the document alone (the preview's token holder).
    Without either, the bare URL (session or Bearer header callers)."""
    url = document.url
    if grant or _active(user):
        url = f"{url}?{document_token_query(document.pk, _ANYONE if grant else user.pk)}"
    return url


def _token_allows(token: str, document) -> bool:
    try:
        payload = _signer().unsign_object(token, max_age=settings.DOCUMENT_URL_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired included
        return False
    if not isinstance(payload, dict) or payload.get("d") != document.pk:
        return False
    user_id = payload.get("u")
    if user_id == _ANYONE:
        return True
    user = get_user_model().objects.filter(pk=user_id).first() if isinstance(user_id, int) else None
    return document_visible_to(user=user, document=document)


def _caller(request):
    """The session user (editor), else the user of a Bearer access JWT, else None."""
    user = getattr(request, "user", None)
    if _active(user):
        return user
    from learning.accounts.authentication import JWTAuthentication

    try:
        result = JWTAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return result[0] if result else None


def document_serve_check(document, request) -> HttpResponse | None:
    """None when the request may download the document, else the 404 to answer (in the
    API's error shape: JWT clients read it like any other API error)."""
    token = request.GET.get(TOKEN_PARAM)
    allowed = bool(token) and _token_allows(token, document)
    if not allowed:
        allowed = document_visible_to(user=_caller(request), document=document)
    if allowed:
        return None
    return api_error_response(404, "not_found", "No such document, or the link has expired.")
