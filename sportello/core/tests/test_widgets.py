"""StaticChoicesSelect renders exactly what Django's template-based Select renders."""

import pytest
from django import forms

from sportello.core.italian import ProvinciaField
from sportello.core.widgets import StaticChoicesSelect

CHOICES = [("", "— Nessuna scelta —"), ("a&b", "A <b> & «c»"), ("2", "Due"), ("2", "Due bis")]


class DjangoForm(forms.Form):
    provincia = ProvinciaField(label="Provincia", widget=forms.Select, help_text="Sigla")
    optional = forms.ChoiceField(choices=CHOICES, required=False)
    numbers = forms.TypedChoiceField(choices=[(1, "Uno"), (2, "Due")], coerce=int)


class StaticForm(forms.Form):
    provincia = ProvinciaField(label="Provincia", help_text="Sigla")
    optional = forms.ChoiceField(choices=CHOICES, required=False, widget=StaticChoicesSelect)
    numbers = forms.TypedChoiceField(
        choices=[(1, "Uno"), (2, "Due")], coerce=int, widget=StaticChoicesSelect
    )


def test_the_provincia_field_uses_the_static_select():
    assert isinstance(StaticForm().fields["provincia"].widget, StaticChoicesSelect)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"provincia": "BO", "optional": "a&b", "numbers": "2"},
        {"provincia": "XX", "optional": "2", "numbers": "9"},  # errors: aria-invalid, describedby
        {"provincia": "", "optional": "", "numbers": ""},
    ],
)
def test_same_html_as_djangos_select(data):
    django_form, static_form = DjangoForm(data), StaticForm(data)
    if data is not None:
        django_form.is_valid()
        static_form.is_valid()
    for name in ("provincia", "optional", "numbers"):
        assert str(static_form[name]) == str(django_form[name])


def test_selected_value_and_escaping():
    html = str(StaticForm({"provincia": "BO", "optional": "a&b"})["provincia"])
    assert '<option value="BO" selected>Bologna</option>' in html
    assert html.count(" selected") == 1
    assert 'aria-describedby="id_provincia_helptext"' in html
    optional = str(StaticForm({"optional": "a&b"})["optional"])
    assert '<option value="a&amp;b" selected>A &lt;b&gt; &amp; «c»</option>' in optional
    # Two options with one value: only the first is selected, as Django does.
    assert str(StaticForm({"optional": "2"})["optional"]).count(" selected") == 1


def test_initial_value_is_selected():
    html = str(StaticForm(initial={"provincia": "MI"})["provincia"])
    assert '<option value="MI" selected>Milano</option>' in html


# --- PythonWidgetsRenderer: the plain widgets without templates --------------------------------

from django.forms.renderers import DjangoTemplates  # noqa: E402
from django.utils.safestring import mark_safe  # noqa: E402
from django.utils.translation import gettext_lazy  # noqa: E402

from sportello.core.widgets import PythonWidgetsRenderer  # noqa: E402

WIDGET_CASES = [
    (forms.TextInput(), "nome", None, None),
    (forms.TextInput(attrs={"maxlength": 200, "autocomplete": "name"}), "nome", "", None),
    (forms.TextInput(), "nome", 'Mario "Rossi" <b>&', {"id": "id_nome", "required": True}),
    (forms.TextInput(), "nome", mark_safe("<i>già sicuro</i>"), {"disabled": False}),
    (forms.TextInput(), "numero", 0, {"aria-invalid": "true", "aria-describedby": "e h"}),
    (forms.EmailInput(), "email", "a@b.it", {"id": "id_email"}),
    (forms.NumberInput(), "n", 12, {"min": 0, "step": "any"}),
    (forms.PasswordInput(), "password", "segreto", {"id": "p"}),
    (forms.PasswordInput(render_value=True), "password", "segreto", {"id": "p"}),
    (forms.HiddenInput(), "kept", "12", None),
    (forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "d", "2026-12-05", None),
    (forms.URLInput(), "u", "https://x.it/?a=1&b=2", None),
    (forms.CheckboxInput(), "ok", True, {"id": "id_ok"}),
    (forms.CheckboxInput(), "ok", False, {"id": "id_ok"}),
    (forms.CheckboxInput(), "ok", "si", None),
    (forms.FileInput(), "file", "ignored.pdf", {"accept": ".pdf"}),
    (forms.Textarea(), "testo", None, None),
    (forms.Textarea(attrs={"rows": 4}), "testo", "", {"id": "t"}),
    (forms.Textarea(), "testo", "riga 1\nriga <2> & «3»", {"id": "t", "required": True}),
    (forms.Textarea(), "testo", gettext_lazy("Sì"), None),
]

FLAT = [("si", "Sì"), ("no", "No <n>"), (3, gettext_lazy("Tre")), ("", "— Nessuna —")]
GROUPED = [("Gruppo", [("a", "A"), ("b", "B")]), ("c", "C")]
CHOICE_CASES = [
    (forms.RadioSelect(choices=FLAT), "r", "si", {"id": "id_r"}),
    (forms.RadioSelect(choices=FLAT), "r", None, None),
    (forms.RadioSelect(choices=FLAT, attrs={"class": "scelte"}), "r", "3", {"id": "id_r"}),
    (forms.RadioSelect(choices=FLAT), "r", "no", {"id": "id_r", "aria-invalid": "true"}),
    (forms.CheckboxSelectMultiple(choices=FLAT), "m", ["si", "3"], {"id": "id_m"}),
    (forms.CheckboxSelectMultiple(choices=FLAT), "m", [], None),
    (forms.RadioSelect(choices=GROUPED), "g", "b", {"id": "id_g"}),  # groups: Django's way
    (forms.CheckboxSelectMultiple(choices=GROUPED), "g", ["a", "c"], {"id": "id_g"}),
]


@pytest.mark.parametrize(("widget", "name", "value", "attrs"), WIDGET_CASES + CHOICE_CASES)
def test_the_python_renderer_writes_what_django_s_templates_write(widget, name, value, attrs):
    expected = widget.render(name, value, attrs, renderer=DjangoTemplates())
    assert widget.render(name, value, attrs, renderer=PythonWidgetsRenderer()) == expected


def test_the_python_renderer_is_the_site_s_and_renders_whole_forms_alike(settings):
    from django.forms.renderers import get_default_renderer

    from sportello.accounts.forms import BillingForm

    assert isinstance(get_default_renderer(), PythonWidgetsRenderer)
    for data in (None, {"kind": "company", "partita_iva": "123", "pec": "x"}):
        python = BillingForm(data, renderer=PythonWidgetsRenderer()).as_div()
        django = BillingForm(data, renderer=DjangoTemplates()).as_div()
        assert python == django
