"""The remembering `{% url %}` (sportello.core.templatetags.urls): Django's output, Django's
errors, and nothing remembered across URLconfs."""

import pytest
from django.template import engines
from django.test import override_settings
from django.urls import NoReverseMatch, path, reverse

from sportello.core.addresses import _reverse
from sportello.core.templatetags.urls import RememberedURLNode


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_every_template_uses_it_with_djangos_output():
    template = engines["django"].from_string("{% url 'cart:detail' %}")
    assert isinstance(template.template.nodelist[0], RememberedURLNode)
    assert render("{% url 'cart:detail' %}") == reverse("cart:detail")
    assert render("{% url 'cart:edit_line' 7 %}") == reverse("cart:edit_line", args=[7])
    assert render("{% url 'cart:edit_line' pk=line %}", line=7) == reverse(
        "cart:edit_line", kwargs={"pk": 7}
    )
    assert render("{% url name %}", name="cart:detail") == reverse("cart:detail")
    assert render("{% url 'cart:detail' as address %}[{{ address }}]") == (
        f"[{reverse('cart:detail')}]"
    )


def test_remembers_plain_arguments_only():
    _reverse.cache_clear()
    render("{% url 'cart:detail' %}{% url 'cart:detail' %}{% url 'cart:edit_line' 7 %}")
    assert _reverse.cache_info().hits == 1
    assert _reverse.cache_info().currsize == 2

    class Slug:
        def __str__(self):
            return "visura-catastale"

    # An object is reversed by Django's tag every time: its str() could change.
    assert render("{% url 'catalogue:service' slug %}", slug=Slug()) == reverse(
        "catalogue:service", args=["visura-catastale"]
    )
    assert _reverse.cache_info().currsize == 2


def test_errors_are_djangos():
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-page' %}")
    assert render("{% url 'no-such-page' as address %}[{{ address }}]") == "[]"


def test_escapes_like_djangos():
    address = reverse("cart:reorder", args=["a&b"])
    assert "&" in address
    assert render("{% url 'cart:reorder' 'a&b' %}") == address.replace("&", "&amp;")
    assert render("{% autoescape off %}{% url 'cart:reorder' 'a&b' %}{% endautoescape %}") == (
        address
    )


urlpatterns = [path("altrove/carrello/", lambda request: None, name="elsewhere")]


def test_a_new_urlconf_is_never_answered_from_the_old_one():
    assert render("{% url 'cart:detail' %}") == "/carrello/"
    with override_settings(ROOT_URLCONF=__name__):
        assert render("{% url 'elsewhere' %}") == "/altrove/carrello/"
        with pytest.raises(NoReverseMatch):
            render("{% url 'cart:detail' %}")
    assert render("{% url 'cart:detail' %}") == "/carrello/"
