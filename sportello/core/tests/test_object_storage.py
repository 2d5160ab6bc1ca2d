"""Private files on a real S3-compatible server (SeaweedFS), never reachable without keys."""

import hashlib
import urllib.error
import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.test import Client

from sportello.core.storage import PrivateS3Storage, is_object_storage, private_storage
from sportello.core.storage_url import parse_storage_url

pytestmark = pytest.mark.s3

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40


def key_in_bucket(storage, name):
    return f"{storage.location}/{name}" if storage.location else name


def test_private_storage_writes_to_the_bucket(s3_private_storage):
    storage = private_storage()
    assert is_object_storage()
    assert isinstance(storage, PrivateS3Storage)

    name = storage.save("answers/2026/12/perizia.pdf", ContentFile(PDF))

    obj = s3_private_storage.client().get_object(
        Bucket=s3_private_storage.bucket, Key=key_in_bucket(storage, name)
    )
    assert obj["Body"].read() == PDF
    with storage.open(name, "rb") as handle:
        assert handle.read() == PDF


def test_a_second_upload_with_the_same_name_never_overwrites(s3_private_storage):
    storage = private_storage()
    first = storage.save("answers/doc.pdf", ContentFile(b"first"))
    second = storage.save("answers/doc.pdf", ContentFile(b"second"))

    assert first != second
    with storage.open(first, "rb") as handle:
        assert handle.read() == b"first"


def test_uploads_never_get_a_public_url(s3_private_storage):
    storage = private_storage()
    name = storage.save("answers/privato.pdf", ContentFile(PDF))

    with pytest.raises(NotImplementedError):
        storage.url(name)
    # Straight to the bucket without keys: refused.
    plain_url = (
        f"{s3_private_storage.endpoint_url}/{s3_private_storage.bucket}/"
        f"{key_in_bucket(storage, name)}"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(plain_url, timeout=10)
    assert refused.value.code == 403
    # Nor can the bucket be listed anonymously.
    with pytest.raises(urllib.error.HTTPError) as listing:
        urllib.request.urlopen(
            f"{s3_private_storage.endpoint_url}/{s3_private_storage.bucket}", timeout=10
        )
    assert listing.value.code == 403


def test_storage_url_gives_the_django_storages_options():
    assert parse_storage_url("s3://AK:S%2Fk@127.0.0.1:8333/privati?secure=0&region=eu-south-1") == {
        "bucket_name": "privati",
        "access_key": "AK",
        "secret_key": "S/k",
        "endpoint_url": "http://127.0.0.1:8333",
        "region_name": "eu-south-1",
    }
    assert parse_storage_url("s3://AK:SK@s3.example.it/privati")["endpoint_url"] == (
        "https://s3.example.it"
    )
    assert parse_storage_url("") == {}
    with pytest.raises(ValueError):
        parse_storage_url("s3://AK:SK@host/")


def test_the_health_check_writes_and_deletes_in_the_bucket(s3_private_storage, db):
    response = Client(HTTP_HOST="127.0.0.1").get("/health/?format=json")

    assert response.status_code == 200
    assert response.json()["Storage(alias='private')"] == "OK"
    assert s3_private_storage.bucket not in response.content.decode()


# --- Moving local files into the bucket ----------------------------------------------------


@pytest.fixture
def local_files(settings, tmp_path):
    root = tmp_path / "local-private"
    files = {
        "answers/2026/11/visura.pdf": PDF,
        "outcomes/2026/11/perizia firmata.pdf": PDF[::-1],
        "quotes/messages/2026/11/foto.jpg": b"\xff\xd8" + b"j" * 3000,
    }
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    settings.PRIVATE_MEDIA_ROOT = root
    return root, files


def test_move_copies_every_file_under_the_same_name_and_verifies_it(
    s3_private_storage, local_files, capsys
):
    root, files = local_files

    call_command("move_private_files_to_bucket", "--delete-local")

    storage = private_storage()
    for name, content in files.items():
        with storage.open(name, "rb") as handle:
            assert hashlib.sha256(handle.read()).digest() == hashlib.sha256(content).digest()
        assert not (root / name).exists()
    assert "Done: 3 copied, 0 already there, 0 failed" in capsys.readouterr().out


def test_move_again_skips_verified_copies_and_keeps_local_files_without_the_flag(
    s3_private_storage, local_files, capsys
):
    root, files = local_files
    call_command("move_private_files_to_bucket")
    call_command("move_private_files_to_bucket")

    assert "Done: 0 copied, 3 already there, 0 failed" in capsys.readouterr().out
    assert all((root / name).exists() for name in files)


def test_move_refuses_a_differing_copy_and_keeps_the_local_file(
    s3_private_storage, local_files, capsys
):
    root, _ = local_files
    private_storage().save("answers/2026/11/visura.pdf", ContentFile(b"something else"))

    with pytest.raises(CommandError, match="1 failed"):
        call_command("move_private_files_to_bucket", "--delete-local")

    assert "FAILED answers/2026/11/visura.pdf: size in the bucket" in capsys.readouterr().err
    assert (root / "answers/2026/11/visura.pdf").exists()


def test_move_needs_a_bucket(local_files):
    with pytest.raises(CommandError, match="No bucket configured"):
        call_command("move_private_files_to_bucket")
