"""Private files: customers' uploads, deliverables, quote attachments (and, soon, invoices).

They have no public URL on either backend. Views check ownership and stream them
(`sportello.core.files.stream_private_file`). Which backend holds them is configuration:

- local disk under `settings.PRIVATE_MEDIA_ROOT` (the embedded default, one server);
- an S3-compatible bucket (django-storages) when `STORAGE_URL` or `AWS_STORAGE_BUCKET_NAME` is
  set, so every web instance and worker sees the same files.

`settings.STORAGES["private"]` names the backend; `private_storage()` is the one entry point
(model fields pass it as their `storage` callable).
"""

import os
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from storages.backends.s3 import S3Storage

PRIVATE_ALIAS = "private"
NO_PUBLIC_URL = "Private files have no public URL; stream them from a view"


def unique_path(folder: str, filename: str) -> str:
    """`folder/YYYY/MM/<random>/filename`: a folder of its own for every stored file.

    The storage's "is this name free?" check and its write are two steps; on a bucket shared by
    several web instances, two files saved under the same name at the same moment could both
    find it free and the second would overwrite the first (S3 has no exclusive create). A random
    folder makes every key unique before the storage is asked, and keeps the file's own name
    (downloads use the name the customer gave it anyway).
    """
    name = os.path.basename(filename) or "file"
    return f"{folder}/{timezone.now():%Y/%m}/{secrets.token_hex(8)}/{name}"


class PrivateStorage(FileSystemStorage):
    """Local disk. The location is read from settings.PRIVATE_MEDIA_ROOT on every use, so
    tests can point it elsewhere."""

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)  # type: ignore[attr-defined]

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError(NO_PUBLIC_URL)


class PrivateS3Storage(S3Storage):
    """An S3-compatible bucket, private: every object is written with the "private" canned ACL,
    never overwritten (a second upload with the same name gets a new name), and never given a
    URL, signed or not: downloads stream through the app after the ownership check."""

    default_acl = "private"
    file_overwrite = False
    querystring_auth = True

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError(NO_PUBLIC_URL)


class _ConfiguredPrivateStorage(LazyObject):
    """The backend named by STORAGES["private"], resolved on first use (and again after a test
    changes STORAGES), so model fields built at import time follow the configuration."""

    def _setup(self):
        self._wrapped = storages[PRIVATE_ALIAS]


_storage = _ConfiguredPrivateStorage()


def private_storage():
    return _storage


@receiver(setting_changed)
def _forget_backend(*, setting, **kwargs):
    # Tests only (override_settings / the `settings` fixture); Django's own storages handler
    # has already dropped its cached instances for this setting.
    if setting == "STORAGES":
        # LazyObject resets to its sentinel, which is not a Storage for the type checker.
        _storage._wrapped = empty  # type: ignore[assignment]


def is_object_storage() -> bool:
    return isinstance(storages[PRIVATE_ALIAS], S3Storage)
