"""Copy the private files on local disk into the configured bucket, and verify every copy.

Run once when moving from one server to several (STORAGE_URL or AWS_* now set). Each file keeps
its name (the key in the bucket is its path under PRIVATE_MEDIA_ROOT), so the database rows that
name it need no change. A copy counts as done only when the bucket gives back the same number of
bytes with the same SHA-256; `--delete-local` removes the local file only then. Running it again
skips what is already there and verified, and reports any object that differs.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from sportello.core.storage import PRIVATE_ALIAS, is_object_storage

CHUNK = 1024 * 1024


def sha256_of(handle) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


class Command(BaseCommand):
    help = (
        "Copy private files from PRIVATE_MEDIA_ROOT into the configured S3 bucket, verifying "
        "size and SHA-256 of each copy."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", default=None, help="local folder (default: PRIVATE_MEDIA_ROOT)"
        )
        parser.add_argument(
            "--delete-local",
            action="store_true",
            help="remove each local file once its copy is verified",
        )
        parser.add_argument("--dry-run", action="store_true", help="list, copy nothing")

    def handle(self, *args, source=None, delete_local=False, dry_run=False, **options):
        if not is_object_storage():
            raise CommandError(
                "No bucket configured: set STORAGE_URL (or AWS_STORAGE_BUCKET_NAME and the other "
                "AWS_* variables) before moving files."
            )
        root = Path(source or settings.PRIVATE_MEDIA_ROOT)
        if not root.is_dir():
            raise CommandError(f"{root} is not a folder")
        bucket = storages[PRIVATE_ALIAS]
        counts = {"copied": 0, "already there": 0, "failed": 0}
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            name = path.relative_to(root).as_posix()
            size = path.stat().st_size
            with path.open("rb") as handle:
                checksum = sha256_of(handle)
            if dry_run:
                self.stdout.write(f"would copy {name} ({size} bytes)")
                continue
            if bucket.exists(name):
                outcome = "already there"
            else:
                with path.open("rb") as handle:
                    stored = bucket.save(name, File(handle, name=name))
                if stored != name:
                    # Someone wrote the same key meanwhile: never overwrite, never rename.
                    bucket.delete(stored)
                    self._fail(counts, name, "a file with this name appeared in the bucket")
                    continue
                outcome = "copied"
            problem = self._verify(bucket, name, size, checksum)
            if problem:
                self._fail(counts, name, problem)
                continue
            counts[outcome] += 1
            self.stdout.write(f"{outcome}: {name} ({size} bytes, sha256 {checksum[:12]}…)")
            if delete_local:
                path.unlink()
        summary = ", ".join(f"{count} {label}" for label, count in counts.items())
        if counts["failed"]:
            raise CommandError(f"Some files were not moved: {summary}")
        self.stdout.write(self.style.SUCCESS(f"Done: {summary}"))

    def _verify(self, bucket, name: str, size: int, checksum: str) -> str:
        if bucket.size(name) != size:
            return f"size in the bucket {bucket.size(name)} != {size} on disk"
        with bucket.open(name, "rb") as handle:
            if sha256_of(handle) != checksum:
                return "SHA-256 in the bucket differs from the file on disk"
        return ""

    def _fail(self, counts: dict, name: str, problem: str) -> None:
        counts["failed"] += 1
        self.stderr.write(f"FAILED {name}: {problem} (local file kept)")
