"""Typed readers for environment variables.

Every difference between environments is an environment variable; these helpers
fail loudly on malformed values instead of silently falling back to a default.
A variable set to an empty string counts as unset (`SITE_URL=` in an environment file
means "the default", not "no site URL"), so `.env.example` can be used as it is.
"""

import os
from decimal import Decimal, InvalidOperation


class ImproperEnvValue(ValueError):
    pass


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value


def env_str(name: str, default: str = "") -> str:
    raw = _raw(name)
    return default if raw is None else raw


def env_bool(name: str, default: bool = False) -> bool:
    raw = _raw(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperEnvValue(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = _raw(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperEnvValue(f"{name} must be an integer, got {raw!r}") from exc


def env_decimal(name: str, default: str) -> Decimal:
    raw = _raw(name) or default
    try:
        return Decimal(raw)
    except InvalidOperation as exc:
        raise ImproperEnvValue(f"{name} must be a decimal number, got {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    raw = _raw(name) or default
    return [item.strip() for item in raw.split(",") if item.strip()]
