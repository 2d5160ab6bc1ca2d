"""Data retention: abandoned anonymous carts and uploads go, everything else stays."""

import datetime as dt
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from sportello.cart.actions import PurgeResult, purge_abandoned_carts
from sportello.cart.models import Cart, CartLine
from sportello.cart.tests.factories import CartFactory, CartLineFactory
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory
from sportello.quotes.tests.factories import QuoteLineFactory
from sportello.uploads.models import Upload

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC)
OLD = NOW - dt.timedelta(days=31)
RECENT = NOW - dt.timedelta(days=29)


@pytest.fixture(autouse=True)
def _retention(settings):
    settings.ANONYMOUS_CART_RETENTION_DAYS = 30


def _aged(obj, when):
    """Set created_at/updated_at, which auto_now would otherwise overwrite."""
    stamps = {
        name: when
        for name in ("created_at", "updated_at")
        if name in {f.name for f in type(obj)._meta.get_fields()}
    }
    type(obj).objects.filter(pk=obj.pk).update(**stamps)
    obj.refresh_from_db()
    return obj


def _upload(*, when, owner=None, session_key="visitor-key", name="planimetria.pdf"):
    item = Upload(
        original_name=name,
        content_type="application/pdf",
        size=9,
        owner=owner,
        session_key="" if owner else session_key,
    )
    item.file.save(name, ContentFile(b"%PDF-1.4\n"), save=False)
    item.save()
    return _aged(item, when)


def _answers(upload):
    return {"planimetria": {"file_id": upload.pk, "name": upload.original_name}}


def _stored(upload) -> bool:
    return upload.file.storage.exists(upload.file.name)


def test_old_anonymous_cart_and_upload_go_after_commit(django_capture_on_commit_callbacks):
    upload = _upload(when=OLD)
    cart = _aged(CartFactory(user=None), OLD)
    line = CartLineFactory(cart=cart, answers=_answers(upload))
    _aged(line, OLD)
    _aged(cart, OLD)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = purge_abandoned_carts(now=NOW)

    assert result == PurgeResult(carts=1, files=1)
    assert not Cart.objects.filter(pk=cart.pk).exists()
    assert not CartLine.objects.filter(pk=line.pk).exists()
    assert not Upload.objects.filter(pk=upload.pk).exists()
    assert len(callbacks) == 1
    assert not _stored(upload)


def test_recent_anonymous_cart_and_upload_are_kept(django_capture_on_commit_callbacks):
    upload = _upload(when=RECENT)
    cart = CartFactory(user=None)
    CartLineFactory(cart=cart, answers=_answers(upload))
    _aged(cart, RECENT)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = purge_abandoned_carts(now=NOW)

    assert result == PurgeResult(carts=0, files=0)
    assert Cart.objects.filter(pk=cart.pk).exists()
    assert cart.lines.count() == 1
    assert Upload.objects.filter(pk=upload.pk).exists()
    assert _stored(upload)
    assert callbacks == []


def test_customers_carts_and_uploads_are_never_touched(
    customer, django_capture_on_commit_callbacks
):
    upload = _upload(when=OLD, owner=customer)
    cart = CartFactory(user=customer)
    CartLineFactory(cart=cart, answers=_answers(upload))
    _aged(cart, OLD - dt.timedelta(days=365))

    with django_capture_on_commit_callbacks(execute=True):
        result = purge_abandoned_carts(now=NOW)

    assert result == PurgeResult(carts=0, files=0)
    assert Cart.objects.filter(pk=cart.pk, user=customer).exists()
    assert cart.lines.count() == 1
    assert Upload.objects.filter(pk=upload.pk, owner=customer).exists()
    assert _stored(upload)


def test_old_anonymous_upload_named_by_an_order_line_is_kept(
    customer, django_capture_on_commit_callbacks
):
    ordered = _upload(when=OLD, name="ordinato.pdf")
    order = _aged(OrderFactory(customer=customer), OLD + dt.timedelta(hours=1))
    OrderLineFactory(order=order, answers=_answers(ordered))
    orphan = _upload(when=OLD, name="orfano.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        result = purge_abandoned_carts(now=NOW)

    assert result == PurgeResult(carts=0, files=1)
    assert Upload.objects.filter(pk=ordered.pk).exists()
    assert _stored(ordered)
    assert not Upload.objects.filter(pk=orphan.pk).exists()
    assert not _stored(orphan)


def test_old_anonymous_uploads_named_by_a_quote_or_a_live_cart_are_kept(
    customer, django_capture_on_commit_callbacks
):
    quoted = _upload(when=OLD, name="preventivo.pdf")
    line = QuoteLineFactory(
        quote__customer=customer,
        answers={},
        answers_display=[{"label": "Planimetria", "value": "p.pdf", "file_id": quoted.pk}],
    )
    _aged(line.quote, OLD + dt.timedelta(hours=1))
    in_cart = _upload(when=OLD, name="carrello.pdf")
    CartLineFactory(cart=CartFactory(user=None), answers=_answers(in_cart))

    with django_capture_on_commit_callbacks(execute=True):
        result = purge_abandoned_carts(now=NOW)

    assert result == PurgeResult(carts=0, files=0)
    assert Upload.objects.filter(pk__in=[quoted.pk, in_cart.pk]).count() == 2
    assert _stored(quoted) and _stored(in_cart)


def test_rollback_deletes_no_file(django_capture_on_commit_callbacks):
    upload = _upload(when=OLD)
    cart = _aged(CartFactory(user=None), OLD)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        purge_abandoned_carts(now=NOW)
        raise RuntimeError("the caller's transaction fails")

    assert callbacks == []
    assert Cart.objects.filter(pk=cart.pk).exists()
    assert Upload.objects.filter(pk=upload.pk).exists()
    assert _stored(upload)


def test_command_and_task_purge_with_the_current_time(django_capture_on_commit_callbacks):
    from sportello.cart.tasks import purge_abandoned_carts as task

    old = timezone.now() - dt.timedelta(days=31)
    first = _aged(CartFactory(user=None), old)
    upload = _upload(when=old)
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_abandoned_carts", stdout=out)

    assert out.getvalue().strip() == (
        "1 anonymous cart(s) and 1 anonymous upload(s) older than 30 days deleted."
    )
    assert not Cart.objects.filter(pk=first.pk).exists()
    assert not Upload.objects.filter(pk=upload.pk).exists()

    second = _aged(CartFactory(user=None), old)
    with django_capture_on_commit_callbacks(execute=True):
        assert task() == {"carts": 1, "files": 0}
    assert not Cart.objects.filter(pk=second.pk).exists()


def test_beat_runs_the_purge_daily_by_default(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["purge-abandoned-carts"]
    assert entry["task"] == "sportello.cart.tasks.purge_abandoned_carts"
    assert entry["schedule"] == 24 * 3600
