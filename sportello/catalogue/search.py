"""Finding services by what the customer types in the header's search box.

On PostgreSQL: full-text search with the Italian configuration (stemming: "certificati" finds
"certificato"), each word also as the beginning of a written word ("catast" finds "catastale",
"certificato" finds "certificatore"), weighted name > summary > description and ranked with
`ts_rank`. Elsewhere
(SQLite, the embedded default): every word, less its last vowel, must appear somewhere
(case-insensitive substring), ranked by where it matched. Both return active services of
active categories only, in one query.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Expression, IntegerField, Q, QuerySet, Value, When

from sportello.catalogue.models import Category, Service
from sportello.catalogue.queries import active_services

# Longer input is cut: nobody searches a catalogue with a paragraph, and it bounds the work.
MAX_QUERY_LENGTH = 100
MAX_RESULTS = 50
SEARCH_CONFIG = "italian"
# Letters and digits only: safe to write into a raw tsquery.
PLAIN_WORD = re.compile(r"[^\W_]+")
# What "websearch" syntax means (a phrase, an excluded word, an alternative): such queries are
# taken as written, without prefixes.
WEBSEARCH_SYNTAX = re.compile(r'"|(?:^|\s)-\w|\s(?:or|OR)\s')


@dataclass(frozen=True)
class SearchResults:
    query: str
    category: Category | None
    services: list[Service]


def clean_query(raw: str) -> str:
    """One line of printable text (PostgreSQL refuses NUL), at most MAX_QUERY_LENGTH long."""
    printable = "".join(char if char.isprintable() else " " for char in raw)
    return " ".join(printable.split())[:MAX_QUERY_LENGTH].strip()


def search_services(raw_query: str, category: Category | None = None) -> list[Service]:
    """Active services matching the words, best first, at most MAX_RESULTS (one query)."""
    query = clean_query(raw_query)
    if not query:
        return []
    services = active_services().select_related("category")
    if category is not None:
        services = services.filter(category=category)
    if connection.vendor == "postgresql":
        ranked = _full_text(services, query)
    else:
        ranked = _substring(services, query)
    return list(ranked[:MAX_RESULTS])


def _full_text(services: QuerySet[Service], query: str) -> QuerySet[Service]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    def vector(config: str):
        return (
            SearchVector("name", weight="A", config=config)
            + SearchVector("summary", weight="B", config=config)
            + SearchVector("description", weight="C", config=config)
        )

    # "websearch" understands what people type (quotes, -word, "or") and never raises on
    # stray punctuation, unlike raw tsquery syntax.
    stemmed = vector(SEARCH_CONFIG)
    words_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    matches = Q(search=words_query)
    rank: Expression = SearchRank(stemmed, words_query)
    words = PLAIN_WORD.findall(query)[:10]
    if words and not WEBSEARCH_SYNTAX.search(query):
        # Every word also as the beginning of the words as written ("simple": no stemming,
        # since the stem of "certificato" is "certific" but that of "certificatore" is
        # "certif"): a half-typed word still finds, a word finds the longer ones it begins.
        written = vector("simple")
        prefixes = SearchQuery(
            " & ".join(f"{word}:*" for word in words), config="simple", search_type="raw"
        )
        services = services.annotate(written=written)
        matches |= Q(written=prefixes)
        rank = rank + SearchRank(written, prefixes)
    return (
        services.annotate(search=stemmed, rank=rank)
        .filter(matches)
        .order_by("-rank", "category__position", "position", "name")
    )


def _rough_stem(word: str) -> str:
    """Italian singular and plural share the word without its last vowel: "visure" and
    "visura" both contain "visur", "storiche" and "storica" both contain "storic"."""
    word = word.lower()
    if len(word) < 5:
        return word
    if word.endswith(("che", "chi", "ghe", "ghi")):
        return word[:-2]
    return word[:-1] if word[-1] in "aeiouàèéìòù" else word


def _substring(services: QuerySet[Service], query: str) -> QuerySet[Service]:
    """Every word somewhere in name, summary or description; name hits weigh most."""
    words = [_rough_stem(word) for word in query.split()[:10]]
    score: Expression = Value(0, output_field=IntegerField())
    for word in words:
        services = services.filter(
            Q(name__icontains=word) | Q(summary__icontains=word) | Q(description__icontains=word)
        )
        score = score + Case(
            When(name__icontains=word, then=Value(4)),
            When(summary__icontains=word, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    return services.annotate(rank=score).order_by("-rank", "category__position", "position", "name")
