"""Upload checks, storage and the "is it used" queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import ProtectedError

from sportello.cart.tests.factories import CartLineFactory
from sportello.uploads import actions, checks, limits
from sportello.uploads.models import Upload
from sportello.uploads.queries import unused_uploads, usage_relations, visitor_uploads

PDF = b"%PDF-1.4\n%%EOF\n"

pytestmark = pytest.mark.django_db


def _file(name="perizia.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (_file("virus.exe", b"MZ"), "file_type"),
        (_file("vuoto.pdf", b""), "file_empty"),
        (_file("finto.pdf", b"MZ not a pdf"), "file_content"),
    ],
)
def test_check_upload_refuses_with_a_code(upload, code):
    with pytest.raises(checks.UploadRejected) as caught:
        checks.check_upload(upload)
    assert caught.value.code == code


def test_check_upload_size_and_named_messages(settings):
    settings.UPLOAD_MAX_BYTES = 4
    with pytest.raises(checks.UploadRejected) as caught:
        checks.check_upload(_file(), name_in_message=True)
    (message,) = caught.value.messages
    assert message.startswith("Il file perizia.pdf è troppo grande: la dimensione massima è 4")
    assert caught.value.code == "file_size"


def test_stored_type_is_detected_not_claimed(customer):
    upload = actions.store_upload(_file(content_type="text/html"), owner=customer)
    assert (upload.content_type, upload.claimed_content_type) == ("application/pdf", "text/html")
    assert (upload.owner, upload.session_key, upload.size) == (customer, "", len(PDF))
    assert upload.file.read() == PDF


def test_every_stored_file_has_a_key_of_its_own(customer):
    """Two files saved under one name at the same moment by two web instances both found the
    name free on the bucket, and the second overwrote the first (seen in the scale-out test):
    every file gets a random folder before the storage is asked, and keeps its own name."""
    from django.utils import timezone

    from sportello.uploads.models import upload_path

    first, second = (upload_path(None, "delega.pdf") for _ in range(2))
    assert first != second
    month = f"uploads/{timezone.now():%Y/%m}/"
    assert first.startswith(month) and first.endswith("/delega.pdf")
    assert upload_path(None, "../../etc/passwd").endswith("/passwd")  # a name, never a path

    a = actions.store_upload(_file("delega.pdf", PDF + b"a"), owner=customer)
    b = actions.store_upload(_file("delega.pdf", PDF + b"b"), owner=customer)
    assert a.file.name != b.file.name
    assert a.file.name.endswith("/delega.pdf")
    assert a.file.read() == PDF + b"a"


def test_anonymous_uploads_belong_to_their_session_until_adopted(customer):
    upload = actions.store_upload(_file(), session_key="abc")
    assert list(visitor_uploads(session_key="abc")) == [upload]
    assert list(visitor_uploads(session_key="other")) == []
    assert actions.adopt_anonymous_uploads(session_key="abc", user=customer) == 1
    assert list(visitor_uploads(user=customer)) == [upload]


def test_every_use_is_a_protect_key_and_counts_as_used(customer):
    assert set(usage_relations()) >= {
        "cart_line_uses",
        "order_line_uses",
        "quote_line_uses",
        "quote_message_uses",
    }
    used = actions.store_upload(_file(), owner=customer)
    unused = actions.store_upload(_file("altro.pdf"), owner=customer)
    CartLineFactory(answers={"planimetria": {"file_id": used.pk, "name": used.original_name}})
    assert list(unused_uploads()) == [unused]
    with pytest.raises(ProtectedError):
        used.delete()


def test_delete_uploads_removes_files_only_after_commit(
    customer, django_capture_on_commit_callbacks
):
    upload = actions.store_upload(_file(), owner=customer)
    storage, name = upload.file.storage, upload.file.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        assert actions.delete_unused_uploads_of(user=customer) == 1
    assert storage.exists(name)
    for callback in callbacks:
        callback()
    assert not storage.exists(name)
    assert not Upload.objects.exists()


def test_byte_cap_helper_for_conversations(customer, settings):
    settings.UPLOAD_MAX_BYTES_PER_CONVERSATION = 2 * len(PDF)
    stored = actions.store_upload(_file(), owner=customer)
    limits.check_stored_bytes(Upload.objects.filter(pk=stored.pk), _file())
    limits.check_stored_bytes(len(PDF), None)
    with pytest.raises(checks.UploadRejected) as caught:
        limits.check_stored_bytes(2 * len(PDF), _file())
    assert caught.value.code == "conversation_bytes"
