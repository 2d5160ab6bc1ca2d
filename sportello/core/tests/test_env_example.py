"""`.env.example` lists every setting and can be used as it is as an environment file."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SETTING_READ = re.compile(r'env_(?:str|bool|int|decimal|list)\(\s*"([A-Z0-9_]+)"')


def example_values() -> dict[str, str]:
    """The file read the way systemd's EnvironmentFile and `docker --env-file` read it."""
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, separator, value = line.partition("=")
        assert separator and re.fullmatch(r"[A-Z0-9_]+", name), line
        values[name] = value
    return values


def test_every_variable_the_code_reads_is_listed():
    read = set()
    code = [path for path in (ROOT / "sportello").rglob("*.py") if "tests" not in path.parts]
    for path in [ROOT / "config" / "settings.py", *code]:
        read |= set(SETTING_READ.findall(path.read_text()))
    assert {"SITE_URL", "PASSWORD_HASHERS", "EMAIL_URL"} <= read

    assert read - set(example_values()) == set()


def test_values_carry_no_inline_comments():
    # "SITE_URL=http://…  # absolute links" would put the comment into every e-mail link.
    assert {name: value for name, value in example_values().items() if "#" in value} == {}


def test_the_settings_load_with_the_file_as_environment(tmp_path):
    environment = {**example_values(), "DATA_DIR": str(tmp_path), "PRIVATE_MEDIA_ROOT": ""}
    environment["PATH"] = "/usr/bin:/bin"
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SITE_URL, settings.EMAIL_MAX_ATTEMPTS, settings.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["http://127.0.0.1:8000", "8", "False"]
