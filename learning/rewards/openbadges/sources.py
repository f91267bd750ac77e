"""Where credentials come from: badge awards (learning/rewards) and certificates
(learning/rewards/certificates), read here and never changed. Each becomes
`CredentialData`, and each answers the verifier's question "does it still stand?".

A credential's URL names its source by an unguessable reference, never a database id:
`badge-awards/<public_id>` (the award's public page id) and
`certificates/<verification_code>` (the code the PDF's QR code carries). Badge awards
are never revoked; a certificate is revoked by an admin (or superseded by a re-issue,
which revokes it), and its credential then verifies as `revoked`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .credentials import AchievementData, CredentialData, SubjectData, base_url, build_credential
from .keys import current_keyset
from .signing import sign_credential

BADGE_AWARDS = "badge-awards"
CERTIFICATES = "certificates"
_PUBLIC_ID = re.compile(r"^[0-9a-f]{32}$")
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class Export:
    credential_jwt: str
    credential: dict
    key_id: str


def _absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else f"{base_url()}{url}"


def badge_award_data(award) -> CredentialData:
    """`award`: a BadgeAward with `badge`, `badge__image` and `user` loaded."""
    from learning.rewards.selectors import public_name

    badge = award.badge
    image_url = _absolute(badge.image.file.url) if badge.image_id and badge.image else ""
    return CredentialData(
        kind=BADGE_AWARDS,
        ref=award.public_id,
        achievement=AchievementData(
            id=f"{base_url()}/api/v1/badges/{badge.slug}/",
            name=badge.name,
            description=badge.description,
            criteria=badge.criteria_text or badge.description,
            achievement_type="Badge",
            image_url=image_url,
        ),
        subject=SubjectData(name=public_name(award.user), email=award.user.email),
        valid_from=award.awarded_at,
    )


def certificate_data(certificate) -> CredentialData:
    """`certificate`: an issued Certificate with `user` loaded. The holder's name is the
    one printed on it (as on the profile at issue time)."""
    course_ref = (
        f"{base_url()}/api/v1/courses/{certificate.course_id}/"
        if certificate.course_id
        else f"{base_url()}/api/v1/certificates/verify/{certificate.verification_code}/"
    )
    return CredentialData(
        kind=CERTIFICATES,
        ref=certificate.verification_code,
        name=f"Certificate of completion: {certificate.course_title}",
        achievement=AchievementData(
            id=course_ref,
            name=certificate.course_title,
            description=f"Completed the course {certificate.course_title}, certificate {certificate.serial}.",
            criteria=f"Complete every lesson of the course {certificate.course_title}.",
            achievement_type="CertificateOfCompletion",
        ),
        subject=SubjectData(name=certificate.holder_name, email=certificate.user.email),
        valid_from=certificate.issued_at,
    )


def export(data: CredentialData) -> Export:
    """The credential signed with the active key (raises OpenBadgesDisabled without one)."""
    from .credentials import key_url

    credential = build_credential(data)
    token = sign_credential(credential)
    return Export(
        credential_jwt=token, credential=credential, key_id=key_url(current_keyset().active.thumbprint)
    )


def _badge_award_status(ref: str) -> str:
    from learning.rewards.models import BadgeAward

    if not _PUBLIC_ID.match(ref):
        return "unknown"
    return "valid" if BadgeAward.objects.filter(public_id=ref).exists() else "unknown"


def _certificate_status(ref: str) -> str:
    from learning.rewards.certificates.models import Certificate, CertificateStatus, IssueStatus

    if not _CODE.match(ref):
        return "unknown"
    row = Certificate.objects.filter(verification_code=ref).values_list("status", "issue_status").first()
    if row is None:
        return "unknown"
    status, issue_status = row
    if status == CertificateStatus.REVOKED:
        return "revoked"
    return "valid" if issue_status == IssueStatus.ISSUED else "unknown"


STATUS_LOOKUPS: dict[str, Callable[[str], str]] = {
    BADGE_AWARDS: _badge_award_status,
    CERTIFICATES: _certificate_status,
}


def credential_status(kind: str, ref: str) -> str:
    """ "valid", "revoked" or "unknown" for the credential `kind`/`ref`."""
    lookup = STATUS_LOOKUPS.get(kind)
    return lookup(ref) if lookup else "unknown"
