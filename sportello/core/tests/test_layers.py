"""The apps' layers (docs/architecture.md), checked by import-linter in `make lint` and here."""

import re
import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[3]
PYPROJECT = ROOT / "pyproject.toml"


def _layers_contract() -> dict:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    return next(c for c in config["contracts"] if c["id"] == "layers")


def test_no_app_imports_an_app_above_it():
    # Fails, naming the import, when someone adds an upward import (even inside a function).
    assert lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True) == 0


def test_every_app_has_its_place_in_the_layers():
    named = set(re.findall(r"sportello\.(\w+)", " ".join(_layers_contract()["layers"])))
    apps = {
        path.parent.name
        for path in (ROOT / "sportello").glob("*/__init__.py")
        if path.parent.name not in {"templates", "static"}
    }
    assert apps - named == set(), "add the new app to the layers in pyproject.toml"


def test_core_is_the_bottom_and_pages_the_top():
    layers = _layers_contract()["layers"]
    assert layers[-1] == "sportello.core"
    assert layers[0] == "sportello.pages"
