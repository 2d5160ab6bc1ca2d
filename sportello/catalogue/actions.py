"""Changes to the catalogue made by code (the admin and the demo loader call these)."""

import secrets

from django.db.models import F

from sportello.catalogue.models import AnswerFile, Service


def bump_form_version(service: Service) -> int:
    """Record that the service's form changed; answer sets keep the version they were given on.

    An F() update, so two staff members saving at once both count. Returns the new version.
    """
    Service.objects.filter(pk=service.pk).update(form_version=F("form_version") + 1)
    service.form_version = Service.objects.values_list("form_version", flat=True).get(pk=service.pk)
    return service.form_version


UPLOAD_KEY_SESSION_NAME = "catalogue_upload_key"


def visitor_upload_key(session) -> str:
    """A random key, kept in the visitor's session, that owns their anonymous uploads.

    Unlike the session key it survives login (Django cycles the session key but keeps its
    data), so a file uploaded before logging in can still be reused afterwards.
    Pass it as `session_key` to `ServiceAnswersForm.store_uploads` and `owner_answer_files`.
    """
    key = session.get(UPLOAD_KEY_SESSION_NAME)
    if not key:
        key = secrets.token_urlsafe(32)
        session[UPLOAD_KEY_SESSION_NAME] = key
    return key


def claim_session_uploads(*, user, session_key: str) -> int:
    """Give a visitor's anonymous uploads to their account (at login). Returns how many."""
    if not session_key:
        return 0
    return AnswerFile.objects.filter(uploaded_by__isnull=True, session_key=session_key).update(
        uploaded_by=user, session_key=""
    )
