"""The header's search: services by name, summary and description, ranked, by category."""

import pytest
from django.db import connection
from django.urls import reverse

from sportello.catalogue.search import MAX_RESULTS, search_services
from sportello.catalogue.tests.factories import CategoryFactory, ServiceFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Italian full-text search needs PostgreSQL"
)


@pytest.fixture
def catasto():
    return CategoryFactory(name="Visure e certificati catastali", slug="catasto", position=1)


@pytest.fixture
def perizie():
    return CategoryFactory(name="Perizie immobiliari", slug="perizie", position=2)


@pytest.fixture
def catalogue(catasto, perizie):
    return {
        "certificato": ServiceFactory(
            category=catasto,
            name="Certificato catastale",
            slug="certificato-catastale",
            summary="Il documento ufficiale del Catasto.",
            description="Rilasciato dall'Agenzia delle Entrate.",
        ),
        "visura": ServiceFactory(
            category=catasto,
            name="Visura catastale storica",
            slug="visura-storica",
            summary="Tutti i passaggi di un immobile.",
            description="Utile prima di chiedere un certificato o una perizia.",
        ),
        "perizia": ServiceFactory(
            category=perizie,
            name="Perizia di stima",
            slug="perizia-di-stima",
            summary="Valore di mercato con sopralluogo e certificato di conformità.",
            description="Un perito esegue il sopralluogo.",
        ),
        "ritirato": ServiceFactory(
            category=catasto, name="Certificato ritirato", slug="ritirato", is_active=False
        ),
        "nascosto": ServiceFactory(
            category=CategoryFactory(name="Nascosta", slug="nascosta", is_active=False),
            name="Certificato nascosto",
            slug="nascosto",
        ),
    }


def names(services) -> list[str]:
    return [service.name for service in services]


def test_matches_name_summary_and_description_ranked_name_first(catalogue):
    found = names(search_services("certificato"))

    # Name, then summary, then description; inactive services and categories never appear.
    assert found == ["Certificato catastale", "Perizia di stima", "Visura catastale storica"]


def test_every_word_must_match(catalogue):
    assert names(search_services("visura storica")) == ["Visura catastale storica"]
    assert names(search_services("visura inesistente")) == []


def test_category_filter(catalogue, perizie):
    assert names(search_services("certificato", category=perizie)) == ["Perizia di stima"]


def test_blank_and_punctuation_queries(catalogue):
    assert search_services("   ") == []
    # Punctuation that full-text syntax would choke on is just text.
    assert search_services('certificato & "(') is not None


def test_control_characters_and_long_queries(client, catalogue):
    response = client.get(reverse("search:results"), {"q": "certi\x00ficato\tcatastale"})
    assert response.status_code == 200
    assert "Risultati per «certi ficato catastale»" in response.content.decode()
    response = client.get(reverse("search:results"), {"q": "visura " * 50})
    assert response.status_code == 200
    assert len(response.context["query"]) == 100


def test_results_are_capped(catasto):
    ServiceFactory.create_batch(MAX_RESULTS + 2, category=catasto, name="Visura ipotecaria")
    assert len(search_services("visura")) == MAX_RESULTS


@on_postgresql
def test_italian_stemming_on_postgresql(catalogue):
    # "certificati" and "perizie" are the plural of words in the catalogue.
    assert names(search_services("certificati"))[0] == "Certificato catastale"
    assert "Perizia di stima" in names(search_services("perizie"))


@on_postgresql
def test_words_are_also_prefixes_on_postgresql(catalogue, perizie):
    ServiceFactory(
        category=perizie,
        name="Attestato di prestazione energetica",
        slug="ape",
        summary="Redatto da un certificatore abilitato.",
    )
    # Half-typed words find, and a word finds the longer words it begins.
    assert names(search_services("catast")) == [
        "Certificato catastale",
        "Visura catastale storica",
    ]
    assert names(search_services("visur stor")) == ["Visura catastale storica"]
    assert "Attestato di prestazione energetica" in names(search_services("certificato"))
    # Full words still rank the name first.
    assert names(search_services("certificato"))[0] == "Certificato catastale"
    # Websearch syntax is taken as written: an excluded word stays excluded.
    assert "Visura catastale storica" not in names(search_services("catastale -storica"))
    assert names(search_services('"visura catastale"')) == ["Visura catastale storica"]
    # Characters that mean something in tsquery syntax are only separators.
    assert names(search_services("visur:* & | ! stor")) == ["Visura catastale storica"]


def test_plurals_find_singulars_on_every_database(catalogue):
    assert names(search_services("certificati"))[0] == "Certificato catastale"
    assert names(search_services("visure storiche")) == ["Visura catastale storica"]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite fallback")
def test_substring_fallback_finds_parts_of_words(catalogue):
    assert names(search_services("catast")) == [
        "Certificato catastale",
        "Visura catastale storica",
    ]


# --- The page -------------------------------------------------------------------------------


def test_results_page(client, catalogue):
    response = client.get(reverse("search:results"), {"q": "certificato"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Risultati per «certificato»" in html
    assert "3 servizi trovati" in html
    assert html.index("Certificato catastale") < html.index("Perizia di stima")
    assert "Certificato ritirato" not in html
    assert 'name="robots" content="noindex, follow"' in html


def test_results_page_with_category(client, catalogue):
    response = client.get(reverse("search:results"), {"q": "certificato", "categoria": "perizie"})

    html = response.content.decode()
    assert "1 servizio trovato in «Perizie immobiliari»" in html
    assert "Certificato catastale</a>" not in html
    assert '<option value="perizie" selected>' in html


def test_unknown_category_searches_everything(client, catalogue):
    response = client.get(reverse("search:results"), {"q": "certificato", "categoria": "zzz"})
    assert "3 servizi trovati" in response.content.decode()


def test_no_results_page_offers_the_categories(client, catalogue):
    response = client.get(reverse("search:results"), {"q": "elicottero"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nessun servizio trovato per «elicottero»" in html
    assert 'href="/servizi/categoria/catasto/"' in html
    assert 'href="/servizi/categoria/perizie/"' in html
    assert "Nascosta" not in html


def test_no_results_in_a_category_links_to_all_categories(client, catalogue):
    response = client.get(reverse("search:results"), {"q": "visura", "categoria": "perizie"})
    html = response.content.decode()
    assert "Nessun servizio trovato per «visura» in «Perizie immobiliari»" in html
    assert 'href="/cerca/?q=visura">cerca in tutte le categorie</a>' in html


def test_empty_query_shows_the_form_and_categories(client, catalogue):
    response = client.get(reverse("search:results"))
    html = response.content.decode()
    assert "Cerca un servizio</h1>" in html
    assert "Nessun servizio trovato" not in html
    assert 'href="/servizi/categoria/catasto/"' in html


def test_query_is_escaped_and_kept_in_the_box(client, catalogue):
    response = client.get(reverse("search:results"), {"q": "<b>perizia</b>"})
    html = response.content.decode()
    assert "<b>perizia</b>" not in html
    assert 'value="&lt;b&gt;perizia&lt;/b&gt;"' in html


def test_header_has_a_labelled_search_box(client, catalogue):
    html = client.get(reverse("pages:home")).content.decode()
    assert (
        'action="/cerca/" class="header-search" role="search" aria-label="Cerca nel sito">' in html
    )
    assert '<label for="header-search-q" class="visually-hidden">Cerca un servizio</label>' in html


def _page_queries(client, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(reverse("search:results"), {"q": "visura", "categoria": "catasto"})
    assert response.status_code == 200
    return response


def test_query_count_does_not_grow_with_the_catalogue(client, catasto, django_assert_num_queries):
    ServiceFactory(category=catasto, name="Visura ipotecaria")
    # Categories for the filter, the results, the header's menu.
    _page_queries(client, django_assert_num_queries, 3)
    ServiceFactory.create_batch(15, category=catasto, name="Visura per soggetto")
    CategoryFactory.create_batch(3)
    _page_queries(client, django_assert_num_queries, 3)
