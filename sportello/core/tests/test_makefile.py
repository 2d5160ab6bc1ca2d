"""`make run` as a newcomer types it: what reaches the server process."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


def run_target(tmp_path, *make_args, env_overrides):
    """`make run` with a stand-in for the venv's python that records its environment."""
    record = tmp_path / "calls.txt"
    fake_python = tmp_path / "python"
    fake_python.write_text(f'#!/bin/sh\necho "$SITE_URL|$*" >> {record}\n')
    fake_python.chmod(0o755)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SITE_URL", "PORT", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    }
    env.update(env_overrides)
    subprocess.run(
        ["make", "-s", "-o", "install", "run", f"PY={fake_python}", *make_args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return record.read_text().splitlines()


def test_make_run_on_another_port_links_e_mails_to_that_port(tmp_path):
    calls = run_target(tmp_path, "PORT=8123", env_overrides={})

    assert calls[-1] == "http://127.0.0.1:8123|manage.py runserver 127.0.0.1:8123"


def test_make_run_keeps_an_explicit_site_url(tmp_path):
    calls = run_target(tmp_path, env_overrides={"SITE_URL": "https://sportello.example.it"})

    assert calls[-1] == "https://sportello.example.it|manage.py runserver 127.0.0.1:8000"
