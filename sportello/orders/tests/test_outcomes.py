import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sportello.notifications.models import OutgoingEmail
from sportello.orders import actions
from sportello.orders.models import LineStatus, OrderStatus, Outcome, OutcomeFile
from sportello.orders.tests.conftest import PDF_BYTES
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory, PaidOrderFactory


def pdf(name="perizia.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def line(customer):
    order = PaidOrderFactory(customer=customer)
    return OrderLineFactory(order=order, service_name="Perizia immobiliare")


@pytest.fixture
def outcome(line, staff):
    return actions.add_outcome(
        line=line, note="Perizia firmata", files=[pdf(), pdf("allegato.pdf")], actor=staff
    )


def test_add_outcome_stores_files_privately_and_tells_the_customer(outcome, line, staff):
    assert outcome.note == "Perizia firmata"
    assert outcome.created_by == staff
    files = list(outcome.files.order_by("id"))
    assert [f.original_name for f in files] == ["perizia.pdf", "allegato.pdf"]
    assert files[0].content_type == "application/pdf"
    assert files[0].size == len(PDF_BYTES)
    with files[0].file.open("rb") as handle:
        assert handle.read() == PDF_BYTES
    with pytest.raises(NotImplementedError):
        files[0].file.url  # private files have no public URL
    email = OutgoingEmail.objects.get()
    assert email.template == "orders/email/outcome_available"
    assert email.to == line.order.customer_email
    assert "Perizia immobiliare" in email.text_body
    assert f"/il-mio-account/ordini/{line.order.number}/" in email.text_body
    assert "/esiti/" not in email.text_body
    assert "/esiti/" not in email.html_body
    line.refresh_from_db()
    assert line.status == LineStatus.RECEIVED


def test_add_outcome_can_complete_the_line_and_the_order(line, staff):
    actions.add_outcome(
        line=line, note="Perizia firmata", files=[pdf()], actor=staff, complete_line=True
    )
    line.refresh_from_db()
    line.order.refresh_from_db()
    assert line.status == LineStatus.COMPLETED
    assert line.order.status == OrderStatus.COMPLETED
    # Events that happen together make one e-mail: the order is complete, with the outcome's
    # note and the link to download it.
    (email,) = OutgoingEmail.objects.all()
    assert email.template == "orders/email/completed"
    assert "Perizia firmata" in email.text_body


def test_outcome_completing_one_line_of_several_is_announced(line, staff):
    from sportello.orders.tests.factories import OrderLineFactory

    OrderLineFactory(order=line.order)
    actions.add_outcome(line=line, note="", files=[pdf()], actor=staff, complete_line=True)
    assert list(OutgoingEmail.objects.values_list("template", flat=True)) == [
        "orders/email/outcome_available"
    ]


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("script.exe", b"MZ...", content_type="application/pdf"), "ammesso"),
        (SimpleUploadedFile("vuoto.pdf", b"", content_type="application/pdf"), "vuoto"),
    ],
)
def test_rejected_files_add_nothing(line, staff, upload, message):
    with pytest.raises(actions.OutcomeFileRejected, match=message):
        actions.add_outcome(line=line, note="Esito", files=[pdf(), upload], actor=staff)
    assert Outcome.objects.count() == 0
    assert OutcomeFile.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0


def test_too_large_file_is_rejected(line, staff, settings):
    settings.OUTCOME_MAX_BYTES = 10
    with pytest.raises(actions.OutcomeFileRejected, match="troppo grande"):
        actions.add_outcome(line=line, note="", files=[pdf()], actor=staff)
    assert Outcome.objects.count() == 0


def test_p7m_and_zip_are_accepted(line, staff):
    outcome = actions.add_outcome(
        line=line,
        note="",
        files=[
            SimpleUploadedFile("perizia.pdf.p7m", b"signed"),
            SimpleUploadedFile("a.zip", b"PK\x03\x04rest"),
        ],
        actor=staff,
    )
    assert outcome.files.count() == 2


def test_a_file_whose_content_is_not_its_format_is_refused(line, staff):
    """A text renamed .pdf would be served to the customer as a PDF."""
    with pytest.raises(actions.OutcomeFileRejected, match=r"fake\.pdf non corrisponde"):
        actions.add_outcome(
            line=line,
            note="",
            files=[SimpleUploadedFile("fake.pdf", b"not a pdf")],
            actor=staff,
            complete_line=True,
        )
    assert Outcome.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0


def test_outcome_needs_a_note_or_a_file(line, staff):
    with pytest.raises(actions.OutcomeFileRejected):
        actions.add_outcome(line=line, note="  ", files=[], actor=staff)
    assert Outcome.objects.count() == 0


def test_no_outcome_on_an_unpaid_order(customer, staff, settings, tmp_path):
    line = OrderLineFactory(order=OrderFactory(customer=customer))
    with pytest.raises(actions.OrderNotInFulfilment):
        actions.add_outcome(line=line, note="Esito", files=[pdf()], actor=staff)
    assert Outcome.objects.count() == 0
    outcomes_dir = settings.PRIVATE_MEDIA_ROOT / "outcomes"
    assert not outcomes_dir.exists() or not any(outcomes_dir.rglob("*.pdf"))


# --- Download --------------------------------------------------------------------------------


def file_url(outcome_file):
    return reverse(
        "orders:outcome_file",
        kwargs={"number": outcome_file.outcome.line.order.number, "file_id": outcome_file.pk},
    )


def test_owner_downloads_the_outcome_file(customer_client, outcome):
    outcome_file = outcome.files.order_by("id").first()
    response = customer_client.get(file_url(outcome_file))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="perizia.pdf"'
    assert response["Cache-Control"] == "private, no-store"


def test_other_customer_gets_404(client, other_customer, outcome):
    client.force_login(other_customer)
    response = client.get(file_url(outcome.files.first()))
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(client, outcome):
    url = file_url(outcome.files.first())
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_downloads_any_outcome_file(staff_client, outcome):
    response = staff_client.get(file_url(outcome.files.first()))
    assert response.status_code == 200


def test_file_id_of_another_order_is_404_even_for_the_owner(customer_client, customer, outcome):
    other_order = PaidOrderFactory(customer=customer)
    url = reverse(
        "orders:outcome_file",
        kwargs={"number": other_order.number, "file_id": outcome.files.first().pk},
    )
    assert customer_client.get(url).status_code == 404


def test_staff_without_permission_cannot_download(client, outcome):
    from sportello.accounts.tests.factories import StaffFactory

    clerk = StaffFactory(is_superuser=False)
    client.force_login(clerk)
    assert client.get(file_url(outcome.files.first())).status_code == 404
