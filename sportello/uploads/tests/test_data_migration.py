"""The data migration, run on a database filled the old way (AnswerFile rows, answers JSON,
quote message attachments as file fields): every file becomes an Upload, every use a row."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sportello.core.storage import private_storage

OLD_STATE = [
    ("catalogue", "0002_featured_services_and_upload_types"),
    ("cart", "0001_initial"),
    ("orders", "0003_totals_check_tolerates_sqlite_floats"),
    ("quotes", "0001_initial"),
]
PDF = b"%PDF-1.4 old"
WHEN = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db(transaction=True)


def _old_file(name: str, content: bytes) -> str:
    return private_storage().save(name, ContentFile(content))


def _fill_the_old_way(apps) -> dict:
    User = apps.get_model("accounts", "User")
    Category = apps.get_model("catalogue", "Category")
    Service = apps.get_model("catalogue", "Service")
    AnswerFile = apps.get_model("catalogue", "AnswerFile")
    Cart = apps.get_model("cart", "Cart")
    CartLine = apps.get_model("cart", "CartLine")
    Order = apps.get_model("orders", "Order")
    OrderLine = apps.get_model("orders", "OrderLine")
    QuoteRequest = apps.get_model("quotes", "QuoteRequest")
    QuoteLine = apps.get_model("quotes", "QuoteLine")
    QuoteMessage = apps.get_model("quotes", "QuoteMessage")

    customer = User.objects.create(email="mario.rossi@example.com", password="!")
    staff = User.objects.create(email="staff@example.com", password="!", is_staff=True)
    category = Category.objects.create(name="Perizie", slug="perizie")
    service = Service.objects.create(
        category=category, name="Perizia", slug="perizia", net_price=Decimal("100.00")
    )

    def answer_file(name, *, owner=None, session_key="", content=PDF, claimed="application/pdf"):
        item = AnswerFile.objects.create(
            file=_old_file(f"answers/2026/01/{name}", content),
            original_name=name,
            content_type=claimed,
            size=len(content),
            uploaded_by=owner,
            session_key=session_key,
        )
        AnswerFile.objects.filter(pk=item.pk).update(created_at=WHEN)
        return item

    ordered = answer_file("planimetria.pdf", owner=customer, claimed="text/html")
    quoted = answer_file("visura.pdf", owner=customer)
    in_cart = answer_file("foto.png", session_key="visitor", content=b"not a png")
    orphan = answer_file("dimenticato.pdf", session_key="visitor")

    cart = Cart.objects.create(kind="purchase")
    cart_line = CartLine.objects.create(
        cart=cart,
        service=service,
        form_version=1,
        answers={"foto": {"file_id": in_cart.pk, "name": "foto.png"}, "note": "ciao"},
    )
    order = Order.objects.create(
        number="2026-000001",
        customer=customer,
        customer_email=customer.email,
        payment_method="bank_transfer",
        total_net=Decimal("100.00"),
        total_vat=Decimal("22.00"),
        total_gross=Decimal("122.00"),
        placed_at=WHEN,
        billing_kind="person",
        billing_address="Via Roma 1",
        billing_cap="40121",
        billing_comune="Bologna",
        billing_provincia="BO",
    )
    order_line = OrderLine.objects.create(
        order=order,
        service_name="Perizia",
        form_version=1,
        answers={"planimetria": {"file_id": ordered.pk, "name": "planimetria.pdf"}},
        answers_display=[
            {"label": "Planimetria", "value": "planimetria.pdf", "file_id": ordered.pk}
        ],
        base_net=Decimal("100.00"),
        vat_rate=Decimal("22.00"),
        net=Decimal("100.00"),
        vat=Decimal("22.00"),
        gross=Decimal("122.00"),
    )
    quote = QuoteRequest.objects.create(number="P-2026-000001", customer=customer)
    quote_line = QuoteLine.objects.create(
        quote=quote,
        service_name="Perizia",
        form_version=1,
        answers={"visura": {"file_id": quoted.pk, "name": "visura.pdf"}},
        answers_display=[{"label": "Visura", "value": "visura.pdf", "file_id": quoted.pk}],
    )
    attached = QuoteMessage.objects.create(
        quote=quote,
        author=customer,
        body="Vi allego il contratto",
        attachment=_old_file("quotes/messages/2026/01/contratto.pdf", PDF),
        attachment_name="contratto.pdf",
        attachment_content_type="application/pdf",
        attachment_size=len(PDF),
    )
    plain = QuoteMessage.objects.create(
        quote=quote, author=staff, body="Grazie", is_from_staff=True
    )
    return {
        "customer": customer.pk,
        "files": {
            "ordered": ordered.pk,
            "quoted": quoted.pk,
            "in_cart": in_cart.pk,
            "orphan": orphan.pk,
        },
        "names": {
            "ordered": ordered.file.name,
            "attached": attached.attachment.name,
        },
        "cart_line": cart_line.pk,
        "order_line": order_line.pk,
        "quote_line": quote_line.pk,
        "attached": attached.pk,
        "plain": plain.pk,
    }


def test_existing_files_and_answers_become_uploads_and_uses():
    executor = MigrationExecutor(connection)
    executor.migrate(OLD_STATE)
    old = _fill_the_old_way(executor.loader.project_state(OLD_STATE).apps)

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from sportello.cart.models import CartLineFile
    from sportello.orders.models import OrderLineFile
    from sportello.quotes.models import QuoteLineFile, QuoteMessage
    from sportello.uploads.models import Upload
    from sportello.uploads.queries import unused_uploads

    files = old["files"]
    # Same ids, so the answers already stored still name the right file.
    ordered = Upload.objects.get(pk=files["ordered"])
    assert (ordered.original_name, ordered.owner_id, ordered.size) == (
        "planimetria.pdf",
        old["customer"],
        len(PDF),
    )
    assert (ordered.content_type, ordered.claimed_content_type) == ("application/pdf", "text/html")
    assert ordered.created_at == WHEN
    assert ordered.file.name == old["names"]["ordered"]
    assert ordered.file.read() == PDF
    in_cart = Upload.objects.get(pk=files["in_cart"])
    assert (in_cart.owner_id, in_cart.session_key) == (None, "visitor")
    assert in_cart.content_type == "application/octet-stream"  # not really a PNG

    assert list(CartLineFile.objects.values_list("line_id", "upload_id", "field_key")) == [
        (old["cart_line"], files["in_cart"], "foto")
    ]
    assert list(OrderLineFile.objects.values_list("line_id", "upload_id", "field_key")) == [
        (old["order_line"], files["ordered"], "planimetria")
    ]
    assert list(QuoteLineFile.objects.values_list("line_id", "upload_id", "field_key")) == [
        (old["quote_line"], files["quoted"], "visura")
    ]

    message = QuoteMessage.objects.select_related("attachment").get(pk=old["attached"])
    assert message.attachment.file.name == old["names"]["attached"]
    assert message.attachment.file.read() == PDF
    assert (message.attachment_name, message.attachment_size, message.attachment_content_type) == (
        "contratto.pdf",
        len(PDF),
        "application/pdf",
    )
    assert message.attachment.owner_id == old["customer"]
    assert QuoteMessage.objects.get(pk=old["plain"]).attachment is None

    assert list(unused_uploads().values_list("pk", flat=True)) == [files["orphan"]]
    # New uploads do not collide with the ids carried over.
    new = Upload.objects.create(original_name="n.pdf", size=1, content_type="application/pdf")
    assert new.pk > max(Upload.objects.exclude(pk=new.pk).values_list("pk", flat=True))
