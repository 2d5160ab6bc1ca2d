"""allauth's e-mail templates kept here are the ones allauth can still render."""

from pathlib import Path

from sportello.notifications.allauth import ACCOUNT_MESSAGES

EMAIL_TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "account" / "email"


def test_no_override_for_a_message_the_outbox_renders_itself():
    # These prefixes are routed to the shop's own messages (notifications/emails.py): an
    # allauth template with their name would never be rendered.
    names = {path.name for path in EMAIL_TEMPLATES.iterdir()}
    dead = sorted(
        name
        for prefix in ACCOUNT_MESSAGES
        for name in names
        if name.startswith(f"{Path(prefix).name}_")
        and name.rsplit("_", 1)[-1]
        in {
            "message.txt",
            "message.html",
            "subject.txt",
        }
        and name.rsplit("_", 1)[0] == Path(prefix).name
    )
    assert dead == []


def test_the_notices_allauth_renders_are_italian():
    for notice in ("email_changed", "email_deleted", "password_changed", "password_reset"):
        assert (EMAIL_TEMPLATES / f"{notice}_subject.txt").exists()
        assert (
            "Gentile {{ user.first_name }}"
            in (EMAIL_TEMPLATES / f"{notice}_message.txt").read_text()
        )
