"""Expected delivery of each order line, on Italian working days.

A line promises N working days from the payment — for a consumer who did not ask for an
early start, from the end of the withdrawal period — or from the inspection, once staff set its
date. An open data request pauses the clock: the working days it waited are added when the
customer answers. `due_on` is stored on the line so the back-office queues can sort by it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from sportello.core.dates import long_date
from sportello.core.workdays import add_working_days, working_days_between
from sportello.orders.models import LineStatus, OrderLine

FROM_PAYMENT = "payment"
FROM_INSPECTION = "inspection"


def snapshot_delivery(lines: Iterable[OrderLine]) -> None:
    """Copy each line's service delivery promise onto the (unsaved) line."""
    for line in lines:
        service = line.service
        if service is None:
            continue
        line.delivery_working_days = service.delivery_working_days
        line.delivery_starts_from = service.delivery_starts_from or FROM_PAYMENT


def compute_due_on(line: OrderLine) -> dt.date | None:
    if line.delivery_working_days is None or line.clock_started_on is None:
        return None
    return add_working_days(
        line.clock_started_on, line.delivery_working_days + line.paused_working_days
    )


def start_clocks_at_payment(order, *, paid_on: dt.date | None = None) -> None:
    """The order is paid: lines counting from the payment get their clock and due date.

    A consumer who did not ask for an early start has the work begin only at the end of the
    withdrawal period (`Order.earliest_start_date`): the clock starts then, not at payment,
    or the promise would fall before the work may begin."""
    paid_on = paid_on or timezone.localdate()
    may_start_on = order.earliest_start_date
    if may_start_on is not None and may_start_on > paid_on:
        paid_on = may_start_on
    for line in order.lines.filter(
        delivery_starts_from=FROM_PAYMENT,
        delivery_working_days__isnull=False,
        clock_started_on__isnull=True,
    ):
        line.clock_started_on = paid_on
        line.due_on = compute_due_on(line)
        line.save(update_fields=["clock_started_on", "due_on"])


def set_inspection_date(line: OrderLine, inspection_on: dt.date) -> None:
    """Staff record the inspection: a line counting from it now has a due date."""
    line.clock_started_on = inspection_on
    line.due_on = compute_due_on(line)
    line.save(update_fields=["clock_started_on", "due_on"])


def add_pause(line: OrderLine, *, paused_from: dt.date, resumed_on: dt.date) -> None:
    """A data request waited from `paused_from` to `resumed_on`: push the due date."""
    line.paused_working_days += working_days_between(paused_from, resumed_on)
    line.due_on = compute_due_on(line)
    line.save(update_fields=["paused_working_days", "due_on"])


@dataclass(frozen=True)
class DeliveryPromise:
    text: str  # "Consegna prevista entro giovedì 10 dicembre 2026", or how it will be counted
    due_on: dt.date | None = None
    is_paused: bool = False


def delivery_promise(line: OrderLine) -> DeliveryPromise | None:
    """What the customer is told about the line's delivery; None when nothing is promised."""
    if line.delivery_working_days is None or line.status == LineStatus.COMPLETED:
        return None
    if line.status == LineStatus.AWAITING_CUSTOMER_DATA:
        return DeliveryPromise(
            text="Consegna sospesa: in attesa dei dati richiesti", is_paused=True
        )
    if line.due_on is not None:
        return DeliveryPromise(
            text=f"Consegna prevista entro {long_date(line.due_on)}",
            due_on=line.due_on,
        )
    days = line.delivery_working_days
    unit = "giorno lavorativo" if days == 1 else "giorni lavorativi"
    start = "dal sopralluogo" if line.delivery_starts_from == FROM_INSPECTION else "dal pagamento"
    return DeliveryPromise(text=f"Consegna prevista in {days} {unit} {start}")
