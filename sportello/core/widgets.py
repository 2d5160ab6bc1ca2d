"""Widgets that render in Python what Django renders with one template per option, and the
form renderer that does the same for the plain widgets.

A <select> of the 107 Italian provinces costs over a hundred template includes per render
through Django's template-based widgets; the options never change, so their HTML is built once
per process and only `selected` is decided per render. The output is byte-for-byte what
Django's `django/forms/widgets/select.html` produces (tested against it).
"""

from __future__ import annotations

from functools import lru_cache

from django import forms
from django.forms.renderers import DjangoTemplates
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


# --- The form renderer: the plain widgets in Python ------------------------------------------

# Django's templates that are exactly `{% include "django/forms/widgets/input.html" %}`.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
        "checkbox",
        "file",
    )
)
_TEXTAREA = "django/forms/widgets/textarea.html"
# Radio buttons and checkboxes: `multiple_input.html` around one `input_option.html` each.
_MULTIPLE_INPUT = {
    "django/forms/widgets/radio.html": "django/forms/widgets/radio_option.html",
    "django/forms/widgets/checkbox_select.html": "django/forms/widgets/checkbox_option.html",
}


def _input(widget: dict) -> str:
    """Django's `input.html` (without its closing newline)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attributes(widget["attrs"])}>'
    )


def _option(option: dict) -> str:
    """Django's `radio_option.html` / `checkbox_option.html` (`input_option.html`)."""
    html = _input(option) + "\n"
    if option.get("wrap_label"):
        option_id = option["attrs"].get("id")
        start = f'<label for="{conditional_escape(option_id)}">' if option_id else "<label>"
        html = f"{start}{html} {conditional_escape(option['label'])}</label>"
    return html + "\n\n"


def _multiple_input(widget: dict, option_template: str) -> str | None:
    """Django's `multiple_input.html` for flat choices (None: groups, left to Django)."""
    parts = []
    for group, options, _index in widget["optgroups"]:
        if group:
            return None
        for option in options:
            if option["template_name"] != option_template:
                return None
            parts.append(f"<div>\n    {_option(option)}</div>")
    attrs = widget["attrs"]
    opening = "<div"
    if attrs.get("id"):
        opening += f' id="{conditional_escape(attrs["id"])}"'
    if attrs.get("class"):
        opening += f' class="{conditional_escape(attrs["class"])}"'
    return f"{opening}>{''.join(parts)}\n</div>"


class PythonWidgetsRenderer(DjangoTemplates):
    """Django's form renderer, with the plain widgets (inputs, textareas, radio buttons and
    checkboxes of flat choices) written in Python: each costs several template includes per
    field otherwise, on every form of the shop. The output is byte-for-byte what Django's
    templates produce (`core/tests/test_widgets.py` compares them); anything else — option
    groups, a template of our own — is rendered by Django's templates as usual."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None:
            if template_name in _INPUT_TEMPLATES:
                return _input(widget)
            if template_name == _TEXTAREA:
                value = widget["value"]
                return (
                    f'<textarea name="{conditional_escape(widget["name"])}"'
                    f"{_attributes(widget['attrs'])}>\n"
                    f"{conditional_escape(value) if value else ''}</textarea>"
                )
            if template_name in _MULTIPLE_INPUT:
                html = _multiple_input(widget, _MULTIPLE_INPUT[template_name])
                if html is not None:
                    return html
        return super().render(template_name, context, request=request)
