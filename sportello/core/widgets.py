"""Widgets that render in Python what Django renders with one template per option.

A <select> of the 107 Italian provinces costs over a hundred template includes per render
through Django's template-based widgets; the options never change, so their HTML is built once
per process and only `selected` is decided per render. The output is byte-for-byte what
Django's `django/forms/widgets/select.html` produces (tested against it).
"""

from __future__ import annotations

from functools import lru_cache

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def _attributes(attrs: dict) -> str:
    """Django's `attrs.html`: in order, `True` as a bare name, `False` left out."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {name}")
        else:
            parts.append(f' {name}="{conditional_escape(value)}"')
    return "".join(parts)


@lru_cache(maxsize=64)
def _options(choices: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str, str], ...]:
    """(value, option HTML, selected option HTML) for each choice, built once per process."""
    built = []
    for value, label in choices:
        start = f'\n  <option value="{conditional_escape(value)}"'
        end = f">{conditional_escape(label)}</option>\n"
        built.append((value, start + end, start + " selected" + end))
    return tuple(built)


class StaticChoicesSelect(forms.Select):
    """A single <select> whose choices are flat (no groups) and the same for every render."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = tuple((str(v if v is not None else ""), str(label)) for v, label in self.choices)
        if any(isinstance(label, (list, tuple)) for _, label in self.choices):
            return super().render(name, value, attrs, renderer)  # option groups: Django's way
        wanted = set(self.format_value(value))
        options = []
        has_selected = False
        for option_value, html, selected_html in _options(choices):
            if not has_selected and option_value in wanted:
                options.append(selected_html)
                has_selected = True
            else:
                options.append(html)
        final_attrs = self.build_attrs(self.attrs, attrs)
        # Every name, value and label above went through conditional_escape.
        return mark_safe(  # noqa: S308
            f'<select name="{conditional_escape(name)}"{_attributes(final_attrs)}>'
            f"{''.join(options)}\n</select>"
        )
