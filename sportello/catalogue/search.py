"""Finding services by what the customer types in the header's search box.

On PostgreSQL: full-text search with the Italian configuration (stemming: "certificati" finds
"certificato"), weighted name > summary > description and ranked with `ts_rank`. Elsewhere
(SQLite, the embedded default): every word, less its last vowel, must appear somewhere
(case-insensitive substring), ranked by where it matched. Both return active services of
active categories only, in one query.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Expression, IntegerField, Q, QuerySet, Value, When

from sportello.catalogue.models import Category, Service
from sportello.catalogue.queries import active_services

# Longer input is cut: nobody searches a catalogue with a paragraph, and it bounds the work.
MAX_QUERY_LENGTH = 100
MAX_RESULTS = 50
SEARCH_CONFIG = "italian"


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

    vector = (
        SearchVector("name", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("description", weight="C", config=SEARCH_CONFIG)
    )
    # "websearch" understands what people type (quotes, -word, "or") and never raises on
    # stray punctuation, unlike raw tsquery syntax.
    search_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    return (
        services.annotate(search=vector, rank=SearchRank(vector, search_query))
        .filter(search=search_query)
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
