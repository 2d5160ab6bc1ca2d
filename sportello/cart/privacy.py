"""What carts hold about a customer, for the export."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from sportello.cart.models import BulkImport, Cart
from sportello.core.erasure import ErasureContext, treat
from sportello.core.export import ExportContext, iso

EXPORTED_MODELS: dict[str, str] = {
    "cart.Cart": "carts",
    "cart.CartLine": "carts[].lines",
    "cart.BulkImport": "bulk_orders",
}
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
    "cart.BulkImport": treat(
        "deleted with the row (its file with the customer's other uploads)",
        "id",
        "created_at",
        "updated_at",
        "owner",
        "service",
        "upload",
        "status",
        "mode",
        "form_version",
        "total_rows",
        "processed_rows",
        "valid_rows",
        "rows",
        "file_errors",
        "created_line_ids",
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


def _bulk_orders(user) -> list[dict[str, Any]]:
    bulk_imports = BulkImport.objects.filter(owner=user).select_related("service", "upload")
    return [
        {
            "service": bulk_import.service.name,
            "file": bulk_import.upload.original_name,
            "status": bulk_import.get_status_display(),
            "rows": [
                {"number": row["number"], "data": row["data"], "errors": row["errors"]}
                for row in bulk_import.rows
            ],
            "uploaded_at": iso(bulk_import.created_at),
        }
        for bulk_import in bulk_imports.order_by("created_at", "id")
    ]


def export_data(context: ExportContext) -> None:
    context.data["carts"] = _carts(context.user)
    context.data["bulk_orders"] = _bulk_orders(context.user)
    context.used_uploads.append(Q(cart_line_uses__line__cart__user=context.user))
    context.used_uploads.append(Q(bulk_import_uses__owner=context.user))


def erase_data(context: ErasureContext) -> None:
    Cart.objects.filter(user=context.user).delete()
    # Their files stop being used: the uploads app deletes them with the customer's others.
    bulk_imports = BulkImport.objects.filter(owner=context.user)
    context.uploads_to_delete.update(bulk_imports.values_list("upload_id", flat=True))
    bulk_imports.delete()
