"""HTML fragments shared by the order page's inlines and the line page."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.html import format_html, format_html_join

from sportello.core.money import format_euro
from sportello.orders.models import OrderLine


def answers_html(line: OrderLine):
    if not line.answers_display:
        return "—"
    rows: list[tuple[str, object]] = []
    for answer in line.answers_display:
        value = answer.get("value", "")
        if answer.get("file_id"):
            url = reverse(
                "orders:answer_file",
                kwargs={"number": line.order.number, "file_id": answer["file_id"]},
            )
            value = format_html('<a href="{}">{}</a>', url, value)
        else:
            value = format_html("{}", value)
        rows.append((answer.get("label", ""), value))
    supplements: list[tuple[str, object]] = [
        (f"Supplemento {s['label']}", f"{format_euro(Decimal(s['net']))} + IVA")
        for s in line.supplements
    ]
    return format_html(
        "<dl>{}</dl>", format_html_join("", "<dt><b>{}</b></dt><dd>{}</dd>", rows + supplements)
    )


def outcomes_html(line: OrderLine):
    outcomes = list(line.outcomes.all())
    if not outcomes:
        return "—"
    items = []
    for outcome in outcomes:
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (
                    reverse(
                        "orders:outcome_file",
                        kwargs={"number": line.order.number, "file_id": f.pk},
                    ),
                    f.original_name,
                )
                for f in outcome.files.all()
            ),
        )
        items.append((outcome.created_at.strftime("%d/%m/%Y"), outcome.note or "", links))
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{} · {} {}</li>", items))
