"""The terms of sale are the shop's text, not the customer's data: each order names the version
its customer accepted (exported and kept with the order, see orders.privacy)."""

from __future__ import annotations

from sportello.core.export import ExportContext

EXPORTED_MODELS: dict[str, str] = {}
MODELS_WITHOUT_CUSTOMER_DATA: dict[str, str] = {
    "contracts.TermsOfSale": "the shop's terms text; each order names the version accepted",
}
# Nothing of the customer's: nothing to erase.
ERASURE: dict[str, dict[str, str]] = {}


def export_data(context: ExportContext) -> None:
    """Nothing of its own: the accepted version and time are exported with each order."""
