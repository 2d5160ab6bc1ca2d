import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files with no public URL: customers' uploads and deliverables.

    They are only ever streamed by views that check ownership first. The location is read
    from settings.PRIVATE_MEDIA_ROOT on every use, so tests can point it elsewhere.
    """

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)  # type: ignore[attr-defined]

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("Private files have no public URL; stream them from a view")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _storage
