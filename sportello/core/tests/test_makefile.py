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


def run_serve(tmp_path, *make_args, env_overrides):
    """`make serve` with a stand-in python that records DEBUG, STATIC_MANIFEST and its args."""
    record = tmp_path / "serve.txt"
    fake_python = tmp_path / "python"
    # The workers start in the background: "gunicorn" waits until they have been recorded
    # (EXPECTED_CELERY of them), as the real one would still be serving.
    fake_python.write_text(
        f'#!/bin/sh\necho "$DEBUG|$STATIC_MANIFEST|$*" >> {record}\n'
        'case "$*" in *gunicorn*) i=0; '
        f'while [ "$(grep -c celery {record})" -lt "${{EXPECTED_CELERY:-0}}" ] && [ $i -lt 200 ]; '
        "do sleep 0.05; i=$((i+1)); done;; esac\n"
    )
    fake_python.chmod(0o755)
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in ("DEBUG", "PORT", "WEB_CONCURRENCY", "REDIS_URL", "CELERY_BROKER_URL", "MAKEFLAGS")
        and not key.startswith("MAKE")
    }
    env.update(env_overrides)
    subprocess.run(
        ["make", "-s", "-o", "install", "serve", f"PY={fake_python}", *make_args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return record.read_text().splitlines()


def test_make_serve_runs_the_production_shape(tmp_path):
    calls = run_serve(tmp_path, "PORT=8124", env_overrides={"WEB_CONCURRENCY": "3"})

    assert calls[0].endswith("|manage.py migrate --noinput")
    assert "1|manage.py collectstatic --noinput -v 0" in calls[2]
    assert calls[-1] == (
        "0|1|-m gunicorn config.wsgi:application --bind 127.0.0.1:8124 --workers 3 "
        "--access-logfile -"
    )
    assert not any("celery" in call for call in calls)


def test_make_serve_starts_the_queue_workers_and_one_beat_with_a_broker(tmp_path):
    calls = run_serve(
        tmp_path, env_overrides={"REDIS_URL": "redis://127.0.0.1:1/0", "EXPECTED_CELERY": "3"}
    )

    celery = sorted(call.split("|", 2)[2] for call in calls if "celery" in call)
    assert [call.split(" -n ")[0] for call in celery] == [
        "-m celery -A config beat --loglevel=INFO",
        "-m celery -A config worker -Q mail",
        "-m celery -A config worker -Q payments,background",
    ]
