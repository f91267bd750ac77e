"""Setups for the Open Badges rows of tests/permission_matrix/rows_openbadges.py: for every caller
and for "other", a badge award and an issued certificate of their own; a credential
signed for "other"'s award (what anyone may verify); the active key's thumbprint.
Exports are their owner's alone (404 for anyone else, admins included)."""

import datetime as dt


def credentials(callers) -> dict:
    from django.utils import timezone

    from learning.rewards.certificates.models import Certificate, IssueStatus
    from learning.rewards.models import Badge, BadgeAward, BadgeCriteria

    from .. import sources
    from ..keys import current_keyset

    badge = Badge.objects.create(
        slug="openbadges-matrix",
        name="Matrix",
        description="For the matrix.",
        criteria=BadgeCriteria.COURSE_COMPLETED,
    )
    awards, certificates = {}, {}
    for name in ("student", "teacher", "other_teacher", "admin", "other"):
        user = callers[name]
        awards[name] = BadgeAward.objects.create(
            user=user, badge=badge, awarded_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        )
        certificates[name] = Certificate.objects.create(
            user=user,
            serial=f"MRICT-MATRIX-{user.pk}",
            verification_code=f"matrix-code-{user.pk}",
            holder_name=name,
            course_title="Matrix course",
            issued_at=timezone.now(),
            issue_status=IssueStatus.ISSUED,
        )
    token = sources.export(sources.badge_award_data(awards["other"])).credential_jwt
    callers_with_own = ("student", "teacher", "other_teacher", "admin")
    mine = {name: awards[name].public_id for name in callers_with_own}
    my_certificates = {name: certificates[name].pk for name in callers_with_own}
    return {
        "my_award": mine | {"anonymous": awards["other"].public_id},
        "others_award": awards["other"].public_id,
        "my_certificate": my_certificates | {"anonymous": certificates["other"].pk},
        "others_certificate": certificates["other"].pk,
        "others_credential": token,
        "key": current_keyset().active.thumbprint,
    }
