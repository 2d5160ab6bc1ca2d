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
