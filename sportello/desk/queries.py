"""Reads of the Scrivania: one order with everything staff need, the filter choices."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from sportello.catalogue.models import Category, Service
from sportello.orders.models import (
    DataRequest,
    LineAnswersRevision,
    Order,
    OrderLine,
    OrderLineStatusChange,
    OrderMessage,
    Outcome,
    OutcomeFile,
)


def can_work_on_orders(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("orders.change_order")
    )


def order_for_staff(number: str) -> Order:
    """The order with lines (history, requests, previous answers, outcomes) and the whole
    conversation, internal notes included. A fixed number of queries."""
    order = (
        Order.objects.filter(number=number)
        .select_related("customer")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=OrderLine.objects.select_related("assigned_to", "service")
                .order_by("position", "id")
                .prefetch_related(
                    Prefetch(
                        "status_changes",
                        queryset=OrderLineStatusChange.objects.order_by("created_at", "id"),
                    ),
                    Prefetch(
                        "data_requests",
                        queryset=DataRequest.objects.select_related("requested_by").order_by(
                            "created_at", "id"
                        ),
                    ),
                    Prefetch(
                        "answer_revisions",
                        queryset=LineAnswersRevision.objects.order_by("created_at", "id"),
                    ),
                    Prefetch(
                        "outcomes",
                        queryset=Outcome.objects.order_by("created_at", "id").prefetch_related(
                            Prefetch("files", queryset=OutcomeFile.objects.order_by("id"))
                        ),
                    ),
                ),
            ),
            Prefetch(
                "messages",
                queryset=OrderMessage.objects.select_related("author", "attachment").order_by(
                    "created_at", "id"
                ),
            ),
        )
        .first()
    )
    if order is None:
        raise Http404("Ordine non trovato")
    return order


def line_for_staff(*, number: str, line_id: int) -> OrderLine:
    line = (
        OrderLine.objects.filter(pk=line_id, order__number=number).select_related("order").first()
    )
    if line is None:
        raise Http404("Servizio non trovato")
    return line


def staff_members() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .order_by("first_name", "last_name", "email")
    )


def filter_choices() -> dict:
    return {
        "services": list(Service.objects.order_by("name").values_list("pk", "name")),
        "categories": list(Category.objects.order_by("name").values_list("pk", "name")),
    }
