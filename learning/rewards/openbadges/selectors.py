"""The owner's getters for exports: anything not the caller's own is a 404."""

from django.http import Http404


def badge_award_get_for_owner(*, user, public_id: str):
    from learning.rewards.models import BadgeAward

    award = (
        BadgeAward.objects.filter(user=user, public_id=public_id)
        .select_related("badge", "badge__image", "user")
        .first()
    )
    if award is None:
        raise Http404("No such badge award.")
    return award


def certificate_get_for_owner(*, user, certificate_id: int):
    from learning.rewards.certificates.models import Certificate

    certificate = Certificate.objects.filter(user=user, pk=certificate_id).select_related("user").first()
    if certificate is None:
        raise Http404("No such certificate.")
    return certificate
