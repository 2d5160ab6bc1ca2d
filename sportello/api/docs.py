"""The API's reference page at /api/docs: in Italian, server-rendered from the OpenAPI schema.

Swagger UI and Redoc speak English (their buttons and headings cannot be translated), and every
page a customer sees speaks Italian, so the page is built here from the same schema that
/api/openapi.json serves: operations grouped by tag, with the permission (scope) each needs,
parameters, request body and responses, the body fields flattened to dotted names
(`lines[].answers`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

# Section titles, in the page's order; a tag missing here is a test failure, not a blank title.
TAGS = {
    "catalogue": "Catalogo",
    "orders": "Ordini",
    "quotes": "Preventivi",
    "files": "File, esiti e fatture",
}
STATUSES = {
    "200": "Richiesta riuscita",
    "201": "Creato",
    "401": "Token mancante, non valido, scaduto o revocato",
    "403": "Il token non ha il permesso richiesto, o l'azione non ti è consentita",
    "404": "Non trovato, o non tuo",
    "409": "In conflitto con lo stato attuale (per esempio il saldo del credito)",
    "422": "Dati non validi: i messaggi per campo sono in errors",
    "429": "Troppe richieste: riprova dopo i secondi indicati in Retry-After",
}
LOCATIONS = {"path": "nel percorso", "query": "nell'indirizzo", "header": "intestazione"}
TYPES = {
    "string": "testo",
    "integer": "intero",
    "number": "numero",
    "boolean": "true/false",
    "array": "elenco",
    "object": "oggetto",
    "null": "null",
}
FORMATS = {
    "date": "data (AAAA-MM-GG)",
    "date-time": "data e ora (ISO 8601)",
    "binary": "file",
    "decimal": "importo decimale",
}


@dataclass
class Row:
    name: str
    type: str
    required: bool
    description: str = ""


@dataclass
class Response:
    status: str
    meaning: str
    content_type: str = ""
    fields: list[Row] = field(default_factory=list)
    same_fields_as: str = ""  # a previous status whose fields these are


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: SafeString
    scope: str
    scope_label: str
    parameters: list[Row]
    body_type: str
    body: list[Row]
    responses: list[Response]


@dataclass
class Section:
    title: str
    operations: list[Operation]


class ItalianDocs(DocsBase):
    def __init__(self) -> None:
        # The schema is the same for the life of the process and takes ~40 ms to build: the
        # page's content is built once per process (and per URL arguments, none today).
        self._content: dict[tuple, dict[str, Any]] = {}

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        key = tuple(sorted(kwargs.items()))
        if key not in self._content:
            schema = api.get_openapi_schema(path_params=kwargs)
            self._content[key] = {
                "description": inline_code(schema["info"].get("description", "")),
                "sections": sections(api, schema),
                "openapi_url": self.get_openapi_url(api, kwargs),
            }
        return render(request, "api/docs.html", self._content[key])


def scopes_by_operation(api: NinjaAPI) -> dict[tuple[str, str], Any]:
    """(METHOD, path under the API) → the Scope its TokenAuth asks for."""
    found = {}
    for path, path_view in api.default_router.path_operations.items():
        for operation in path_view.operations:
            scopes = [auth.scope for auth in operation.auth_callbacks if hasattr(auth, "scope")]
            for method in operation.methods:
                found[(method, path)] = scopes[0] if scopes else None
    return found


def sections(api: NinjaAPI, schema: dict) -> list[Section]:
    components = schema.get("components", {}).get("schemas", {})
    root = api.get_root_path({}).rstrip("/")
    scopes = scopes_by_operation(api)
    grouped: dict[str, list[Operation]] = {tag: [] for tag in TAGS}
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            tag = spec["tags"][0]
            scope = scopes.get((method.upper(), path.removeprefix(root)))
            body_type, body = _request_body(spec.get("requestBody"), components)
            grouped[tag].append(
                Operation(
                    anchor=spec["operationId"],
                    method=method.upper(),
                    path=path,
                    summary=spec["summary"],
                    description=inline_code(spec.get("description", "")),
                    scope=scope.value if scope else "",
                    scope_label=scope.label if scope else "",
                    parameters=[_parameter(p) for p in spec.get("parameters", [])],
                    body_type=body_type,
                    body=body,
                    responses=_deduplicated(
                        _response(status, answer, components)
                        for status, answer in sorted(
                            spec.get("responses", {}).items(), key=lambda item: str(item[0])
                        )
                    ),
                )
            )
    return [Section(TAGS[tag], operations) for tag, operations in grouped.items() if operations]


def _deduplicated(responses) -> list[Response]:
    """A 201 with the same fields as the 200 says so instead of repeating the table."""
    kept: list[Response] = []
    for response in responses:
        for earlier in kept:
            if response.fields and response.fields == earlier.fields:
                response.same_fields_as, response.fields = earlier.status, []
                break
        kept.append(response)
    return kept


def _parameter(parameter: dict) -> Row:
    spec = parameter.get("schema", {})
    return Row(
        name=f"{parameter['name']} ({LOCATIONS.get(parameter['in'], parameter['in'])})",
        type=_type(spec),
        required=parameter.get("required", False),
        description=_sentence(parameter.get("description", ""), _constraints(spec)),
    )


def _request_body(body: dict | None, components: dict) -> tuple[str, list[Row]]:
    if not body:
        return "", []
    content_type, content = next(iter(body["content"].items()))
    return content_type, _fields(content["schema"], components)


def _response(code: int | str, answer: dict, components: dict) -> Response:
    # The schema's description is already Italian (SportelloAPI writes STATUSES into it).
    status, meaning = str(code), answer.get("description", "")
    content = answer.get("content") or {}
    if not content:
        return Response(status, meaning)
    content_type, spec = next(iter(content.items()))
    fields = [] if status >= "400" else _fields(spec.get("schema", {}), components)
    return Response(status, meaning, content_type, fields)


def _resolve(spec: dict, components: dict) -> dict:
    while "$ref" in spec:
        spec = components[spec["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in spec:  # `X | None`: the non-null alternative
        options = [option for option in spec["anyOf"] if option.get("type") != "null"]
        if len(options) == 1:
            return {**_resolve(options[0], components), **_own(spec)}
    return spec


def _own(spec: dict) -> dict:
    return {key: spec[key] for key in ("description", "default") if key in spec}


def _fields(spec: dict, components: dict, prefix: str = "") -> list[Row]:
    """The fields of an object (or of a list's items), flattened to dotted names."""
    spec = _resolve(spec, components)
    if spec.get("type") == "array":
        return _fields(spec.get("items", {}), components, f"{prefix}[]" if prefix else "[]")
    rows = []
    required = set(spec.get("required", []))
    for name, raw in spec.get("properties", {}).items():
        child = _resolve(raw, components)
        dotted = f"{prefix}.{name}" if prefix else name
        if dotted.startswith("[]."):
            dotted = dotted[3:]
        rows.append(
            Row(
                name=dotted,
                type=_type(raw),
                required=name in required,
                description=_sentence(child.get("description", ""), _constraints(child)),
            )
        )
        item = _resolve(child.get("items", {}), components) if "items" in child else child
        if item.get("properties"):
            rows += _fields(child, components, dotted)
    return rows


def _type(spec: dict) -> str:
    if "$ref" in spec:
        return "oggetto"
    if "anyOf" in spec:
        kinds = [_type(option) for option in spec["anyOf"]]
        return " o ".join(dict.fromkeys(kinds))
    kind = spec.get("type", "")
    if kind == "array":
        items = _type(spec.get("items", {}))
        if items.startswith("oggetto"):
            return "elenco di oggetti" + items.removeprefix("oggetto")
        return "elenco" if items == "qualsiasi" else f"elenco di {items}"
    if spec.get("format") in FORMATS:
        return FORMATS[spec["format"]]
    if kind == "object" and "additionalProperties" in spec:
        return "oggetto (chiave → valore)"
    return TYPES.get(kind, "oggetto" if "properties" in spec else "qualsiasi")


def _constraints(spec: dict) -> list[str]:
    found = []
    if "enum" in spec:
        found.append("valori: " + ", ".join(f"{value}" for value in spec["enum"]))
    if "default" in spec and spec["default"] not in (None, "", [], {}):
        default = spec["default"]
        found.append(
            f"predefinito: {str(default).lower() if isinstance(default, bool) else default}"
        )
    for key, label in (
        ("minimum", "minimo"),
        ("maximum", "massimo"),
        ("minLength", "lunghezza minima"),
        ("maxLength", "lunghezza massima"),
        ("minItems", "almeno"),
        ("maxItems", "al massimo"),
    ):
        if key in spec:
            found.append(f"{label} {spec[key]}")
    return found


def inline_code(text: str) -> SafeString:
    """Escaped text with its `backticked` parts as <code>."""
    parts = text.split("`")
    return mark_safe(  # noqa: S308 - every part is escaped
        "".join(
            f"<code>{escape(part)}</code>" if index % 2 else escape(part)
            for index, part in enumerate(parts)
        )
    )


def _sentence(description: str, constraints: list[str]) -> str:
    """The description, then the constraints as a sentence of their own."""
    if not constraints:
        return description
    limits = "; ".join(constraints)
    limits = limits[0].upper() + limits[1:] + "."
    return f"{description} {limits}" if description else limits
