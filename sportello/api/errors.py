"""Validation errors in Italian: pydantic's English messages translated by their error type.

The API answers every refusal with the same Italian body as the web pages' messages; pydantic
(under django-ninja) describes a bad field in English ("Field required"), so each error is
rewritten from its machine-readable `type` and `ctx`. A type not listed here gets a generic
"Valore non valido." rather than English.
"""

from __future__ import annotations

from typing import Any

_MESSAGES = {
    "missing": "Campo obbligatorio.",
    "extra_forbidden": "Campo non previsto.",
    "string_type": "Deve essere un testo.",
    "string_too_short": "Almeno {min_length} caratteri.",
    "string_too_long": "Al massimo {max_length} caratteri.",
    "string_pattern_mismatch": "Formato non valido.",
    "int_type": "Deve essere un numero intero.",
    "int_parsing": "Deve essere un numero intero.",
    "int_from_float": "Deve essere un numero intero.",
    "float_type": "Deve essere un numero.",
    "float_parsing": "Deve essere un numero.",
    "decimal_type": "Deve essere un numero.",
    "decimal_parsing": "Deve essere un numero.",
    "decimal_max_digits": "Al massimo {max_digits} cifre.",
    "decimal_max_places": "Al massimo {decimal_places} decimali.",
    "bool_type": "Deve essere true o false.",
    "bool_parsing": "Deve essere true o false.",
    "greater_than": "Deve essere maggiore di {gt}.",
    "greater_than_equal": "Deve essere almeno {ge}.",
    "less_than": "Deve essere minore di {lt}.",
    "less_than_equal": "Deve essere al massimo {le}.",
    "list_type": "Deve essere una lista.",
    "too_short": "Almeno {min_length} elementi.",
    "too_long": "Al massimo {max_length} elementi.",
    "dict_type": "Deve essere un oggetto.",
    "model_type": "Deve essere un oggetto.",
    "model_attributes_type": "Deve essere un oggetto.",
    "literal_error": "Valore non ammesso: sono ammessi {expected}.",
    "enum": "Valore non ammesso: sono ammessi {expected}.",
    "uuid_type": "Deve essere un UUID.",
    "uuid_parsing": "Deve essere un UUID.",
    "date_type": "Deve essere una data (AAAA-MM-GG).",
    "date_parsing": "Deve essere una data (AAAA-MM-GG).",
    "date_from_datetime_parsing": "Deve essere una data (AAAA-MM-GG).",
    "datetime_type": "Deve essere una data e ora ISO 8601.",
    "datetime_parsing": "Deve essere una data e ora ISO 8601.",
    "url_type": "Deve essere un indirizzo web.",
    "url_parsing": "Deve essere un indirizzo web valido.",
    "url_scheme": "L'indirizzo deve iniziare con {expected_schemes}.",
    "none_required": "Deve essere null.",
}
GENERIC = "Valore non valido."
# A validator of ours raises ValueError with an Italian message: pydantic prefixes it.
_VALUE_ERROR_PREFIX = "Value error, "


def _italian_list(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" as "'a', 'b' o 'c'"."""
    return expected.replace(" or ", " o ")


def italian_message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    context = dict(error.get("ctx") or {})
    if kind == "value_error":
        message = str(error.get("msg", ""))
        return message.removeprefix(_VALUE_ERROR_PREFIX) or GENERIC
    template = _MESSAGES.get(kind)
    if template is None:
        return GENERIC
    if "expected" in context:
        context["expected"] = _italian_list(str(context["expected"]))
    if "expected_schemes" in context:
        context["expected_schemes"] = _italian_list(str(context["expected_schemes"]))
    try:
        return template.format(**context)
    except (KeyError, IndexError, ValueError):
        return GENERIC
