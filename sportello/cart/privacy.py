"""What carts hold about a customer, for the export."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from sportello.cart.models import Cart
from sportello.core.erasure import ErasureContext, treat
from sportello.core.export import ExportContext, iso

EXPORTED_MODELS: dict[str, str] = {"cart.Cart": "carts", "cart.CartLine": "carts[].lines"}
MODELS_WITHOUT_CUSTOMER_DATA: dict[str, str] = {
    "cart.CartLineFile": "link between a cart line and an upload (both exported)",
}


# Model label -> field -> what erasure does with it.
ERASURE: dict[str, dict[str, str]] = {
    "cart.Cart": treat("deleted with the row", "id", "created_at", "updated_at", "kind", "user"),
    "cart.CartLine": treat(
        "deleted with the row",
        "id",
        "created_at",
        "updated_at",
        "cart",
        "service",
        "answers",
        "form_version",
        "flagged_fields",
    ),
}


def _carts(user) -> list[dict[str, Any]]:
    carts = Cart.objects.filter(user=user).prefetch_related("lines__service").order_by("kind")
    result = []
    for cart in carts:
        result.append(
            {
                "kind": cart.kind,
                "kind_label": cart.get_kind_display(),
                "updated_at": iso(cart.updated_at),
                "lines": [
                    {
                        "service": line.service.name,
                        "answers": line.answers,
                        "form_version": line.form_version,
                        "added_at": iso(line.created_at),
                    }
                    for line in cart.lines.all()
                ],
            }
        )
    return result


def export_data(context: ExportContext) -> None:
    context.data["carts"] = _carts(context.user)
    context.used_uploads.append(Q(cart_line_uses__line__cart__user=context.user))


def erase_data(context: ErasureContext) -> None:
    Cart.objects.filter(user=context.user).delete()
