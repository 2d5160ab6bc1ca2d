""" "Privato / Azienda" in the header: the switch brings the visitor back to the same page,
its query included (a search, the checkout's `next`), and never repeats an unsafe `next`."""

import re
from html import unescape
from urllib.parse import urlencode

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

CHOOSE = reverse("pages:buyer_kind")
SWITCH_NEXT = re.compile(r'action="' + re.escape(CHOOSE) + r'".*?name="next" value="([^"]*)"', re.S)


def _switch_next(page) -> str:
    match = SWITCH_NEXT.search(page.text)
    assert match, "the page has no Privato / Azienda switch"
    return unescape(match.group(1))


def test_after_a_search_the_switch_comes_back_to_the_results(client):
    results = f"{reverse('search:results')}?{urlencode({'q': 'visura catastale'})}"
    target = _switch_next(client.get(results))
    assert target == results

    response = client.post(CHOOSE, {"kind": "company", "next": target})
    assert response["Location"] == results


def test_on_the_checkout_s_sign_up_the_switch_keeps_the_way_back_to_the_checkout(client):
    sign_up = f"{reverse('checkout:signup')}?{urlencode({'next': reverse('checkout:start')})}"
    assert _switch_next(client.get(sign_up)) == sign_up


@pytest.mark.parametrize("unsafe", ["//evil.example/", "https://evil.example/x"])
def test_an_unsafe_next_is_left_out_and_the_rest_of_the_query_kept(client, unsafe):
    page = client.get(f"{reverse('search:results')}?{urlencode({'q': 'perizia', 'next': unsafe})}")
    assert _switch_next(page) == f"{reverse('search:results')}?q=perizia"
    assert "evil.example" not in page.text


def test_a_page_without_a_query_comes_back_to_its_path(client):
    assert _switch_next(client.get(reverse("catalogue:index"))) == reverse("catalogue:index")
