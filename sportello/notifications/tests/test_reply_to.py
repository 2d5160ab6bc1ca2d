"""Every customer e-mail has SUPPORT_EMAIL as Reply-To; staff notifications have their own
layout, without the customer footer, and no Reply-To."""

from django.core import mail

from sportello.notifications.actions import deliver
from sportello.orders import emails
from sportello.orders.tests.factories import PaidOrderFactory


def test_customer_email_replies_go_to_support(db, settings):
    settings.SUPPORT_EMAIL = "assistenza@example.com"
    order = PaidOrderFactory()
    email = emails.send_payment_received(order)
    assert email.reply_to == "assistenza@example.com"
    assert deliver(email.pk)
    (message,) = mail.outbox
    assert message.reply_to == ["assistenza@example.com"]
    assert "assistenza@example.com" in message.body


def test_staff_email_has_its_own_layout_and_no_reply_to(db, settings):
    order = PaidOrderFactory()
    email = emails.send_staff_order_paid(order)
    assert email.reply_to == ""
    assert deliver(email.pk)
    (message,) = mail.outbox
    assert message.reply_to == []
    assert "comunicazione interna" in email.html_body
    assert "IL MIO ACCOUNT" not in email.text_body
    assert "Informativa privacy" not in email.html_body
