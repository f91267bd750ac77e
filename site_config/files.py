"""The storages that models name (settings: site_config/settings/storage.py).

A model field takes `storage=public_storage` (the callable): Django calls it once, when
the model class is built, so it returns a lazy proxy that resolves `storages["public"]`
on first use and again after STORAGES changes (as Django's own `default_storage` does).
Migrations record only the function's path."""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PublicStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages["public"]


_public = PublicStorage()


def public_storage():
    """Objects anyone may see (avatars, image renditions): unsigned URLs, on the CDN base
    URL when MEDIA_PUBLIC_BASE_URL is set. On local disk, the same as the default."""
    return _public


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        _public._wrapped = empty
