"""`reverse` remembered for the life of the process.

The URLconf does not change while a process runs, so a view name with the same arguments always
reverses to the same address; Django reverses it again on every call (~25 µs: a catalogue page
asks for some thirty). Only arguments that are plain strings or integers are remembered (an
object's `str()` could change); the key holds everything `reverse` depends on besides them: the
URLconf, the script prefix, the language and the current app. A change of those settings (tests)
empties it.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_PLAIN = (str, int)


@lru_cache(maxsize=4096)
def _reverse(view_name, args, kwargs, current_app, urlconf, script_prefix, language) -> str:
    # The last three only key the cache: `reverse` reads them itself.
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


@receiver(setting_changed)
def _forget_on_urlconf_change(setting, **kwargs):
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME", "LANGUAGE_CODE"):
        _reverse.cache_clear()


def _is_rememberable(view_name, args, kwargs) -> bool:
    return (
        isinstance(view_name, str)
        and all(type(arg) in _PLAIN for arg in args)
        and all(type(value) in _PLAIN for value in kwargs.values())
    )


def remembered_reverse(
    view_name: str, *, args=(), kwargs: dict | None = None, current_app: str | None = None
) -> str:
    """`reverse(view_name, args=…, kwargs=…)`, computed once per process for plain arguments."""
    kwargs = kwargs or {}
    if not _is_rememberable(view_name, args, kwargs):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    return _reverse(
        view_name,
        tuple(args),
        tuple(sorted(kwargs.items())),
        current_app,
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        get_language(),
    )
