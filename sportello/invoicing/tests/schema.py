"""Validation of every document the tests produce against the vendored FatturaPA schema."""

from functools import cache
from pathlib import Path

import xmlschema

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schema"


@cache
def fatturapa_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(
        str(SCHEMA_DIR / "Schema_del_file_xml_FatturaPA_v1.2.2.xsd"),
        locations={
            "http://www.w3.org/2000/09/xmldsig#": str(SCHEMA_DIR / "xmldsig-core-schema.xsd")
        },
    )


def assert_valid(xml: bytes) -> None:
    """Raises with the schema's own message when `xml` is not a valid FatturaPA file."""
    fatturapa_schema().validate(xml.decode("utf-8"))
