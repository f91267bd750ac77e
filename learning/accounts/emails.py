"""The one rule for email addresses as logins.

An address is accepted only when it is plain ASCII. Django's EmailValidator lets four
non-ASCII letters through the local part (İ ı ſ and the Kelvin sign match [A-Z] under
re.IGNORECASE) and accepts internationalised domains; PostgreSQL's case-insensitive
comparison then folds `ſtudent@…` into `student@…` and `student@mrıct.local` into
`student@mrict.local`, so a look-alike logs in to someone else's account while counting
against a throttle of its own. With ASCII only, lower-casing is the whole of case
folding, and Python, SQLite and PostgreSQL agree on it. (An internationalised domain
can still be used in its ASCII `xn--` form.)

- `email_normalize`: the stored form (surrounding space removed, domain lower-cased);
  refuses anything else with ValidationError code `email_not_ascii`. Every path that
  creates or changes an account's address goes through it: signup, the user manager
  (createsuperuser, create_user), the model's clean() (Django admin, Wagtail's forms).
- `email_key`: the one comparison key. On an accepted (ASCII) address it is simply the
  lower-cased address, so lookups (`user_get_by_email`, the login backends'
  get_by_natural_key) and uniqueness (the Lower(email) constraint) use it exactly.
  Every per-address counter (API throttles, login lockouts) uses it too; there a
  refused look-alike gets the key of the ASCII address it folds into (compatibility
  decomposition, accents dropped, upper- then case-folded: `ſ`→s, `ı`/`İ`→i, `K`→k,
  fullwidth letters → ASCII), so it burns the budget of what it imitates instead of
  opening a fresh one.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

NOT_ASCII_MESSAGE = (
    "Use the plain ASCII form of the email address (letters a-z, digits and the usual "
    "punctuation; an international domain in its xn-- form)."
)


def email_is_acceptable(value) -> bool:
    return isinstance(value, str) and value.strip().isascii()


def validate_email_ascii(value) -> None:
    if not email_is_acceptable(value):
        raise ValidationError(NOT_ASCII_MESSAGE, code="email_not_ascii")


def email_normalize(value: str) -> str:
    """The form an address is stored in: ASCII (else ValidationError
    `email_not_ascii`), no surrounding space, the domain lower-cased."""
    validate_email_ascii(value)
    local, at, domain = value.strip().rpartition("@")
    return f"{local}{at}{domain.lower()}" if at else value.strip()


def email_key(value: str) -> str:
    """The comparison key of an address (see the module docstring); for ASCII, the
    lower-cased address without surrounding space."""
    text = unicodedata.normalize("NFKD", value.strip())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", text.upper().casefold())


def users_with_email(queryset, email):
    """The rows of `queryset` whose address has the key of `email`; none for an
    address that email_normalize refuses (it can belong to no account). Compares
    LOWER(email) with the key, which on ASCII is exact on every database."""
    return users_with_emails(queryset, [email])


def users_with_emails(queryset, emails):
    """`users_with_email` for many addresses at once: one query."""
    keys = {email_key(e) for e in emails if email_is_acceptable(e)}
    if not keys:
        return queryset.none()
    match = {"_email_key": keys.pop()} if len(keys) == 1 else {"_email_key__in": keys}
    return queryset.alias(_email_key=Lower("email")).filter(**match)
