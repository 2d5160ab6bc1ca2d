"""The shop's Italian for Django's admin strings that assume a masculine name (locale/)."""

import gettext
import html
import re
from pathlib import Path

import pytest
from django.urls import reverse

from sportello.catalogue.models import FieldType
from sportello.catalogue.tests.factories import FormFieldFactory, ServiceFactory

LOCALE = Path(__file__).resolve().parents[3] / "locale" / "it" / "LC_MESSAGES"


def _po_entries(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file, strings continued over several lines joined."""
    text = path.read_text(encoding="utf-8")
    quoted = r'((?:"(?:[^"\\]|\\.)*"\n?)+)'
    pairs = re.findall(rf"^msgid {quoted}msgstr {quoted}", text, flags=re.MULTILINE)

    def joined(block: str) -> str:
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
        return "".join(parts).replace('\\"', '"').replace("\\n", "\n")

    return {joined(msgid): joined(msgstr) for msgid, msgstr in pairs if joined(msgid)}


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_compiled_catalogue_says_what_the_po_file_says(domain):
    """Edit the .po, then `msgfmt -o <domain>.mo <domain>.po`: this fails when that was
    forgotten."""
    entries = _po_entries(LOCALE / f"{domain}.po")
    with (LOCALE / f"{domain}.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)

    assert entries
    for msgid, msgstr in entries.items():
        assert catalogue.gettext(msgid) == msgstr
    assert set(catalogue._catalog) - {""} == set(entries)  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_the_back_office_adds_options_and_categories_in_good_italian(staff_client):
    field = FormFieldFactory(service=ServiceFactory(), field_type=FieldType.CHOICE)

    choices = html.unescape(
        staff_client.get(reverse("admin:catalogue_formfield_change", args=[field.pk])).text
    )
    service = html.unescape(
        staff_client.get(reverse("admin:catalogue_service_change", args=[field.service.pk])).text
    )

    assert "Aggiungi un'altra riga (Opzione)" in choices
    for title in ("Aggiungi un elemento", "Visualizza la selezione", "Modifica la selezione"):
        assert f"{title} (categoria)" in service
    for page in (choices, service):
        assert 'aria-label="Percorso di navigazione"' in page
        assert "Aggiungi un altro" not in page
        assert ' selezionato"' not in page  # "Visualizza il categoria selezionato"


@pytest.mark.django_db
def test_back_office_messages_and_read_only_pages_read_right(staff_client):
    from sportello.catalogue.tests.factories import CategoryFactory

    category = CategoryFactory(name="Visure")
    url = reverse("admin:catalogue_category_change", args=[category.pk])
    data = {
        "name": "Visure catastali",
        "slug": category.slug,
        "description": "",
        "position": "1",
        "is_active": "on",
    }

    saved = html.unescape(staff_client.post(url, data, follow=True).text)
    listing = html.unescape(staff_client.get(reverse("admin:catalogue_category_changelist")).text)
    history = html.unescape(staff_client.get(url).text)

    assert re.search(r"Modifica salvata: categoria «<a [^>]+>Visure catastali</a>»\.", saved)
    assert "Il categoria" not in saved
    assert "Elimina gli elementi selezionati (categorie)" in listing
    assert "selezionati</option>" not in listing
    assert ">Storico</a>" in history


@pytest.mark.django_db
def test_yes_no_icons_and_history_read_italian(staff_client):
    from sportello.catalogue.tests.factories import CategoryFactory

    category = CategoryFactory(name="Visure")
    FormFieldFactory(service=ServiceFactory(category=category), is_required=False)
    listing = staff_client.get(reverse("admin:catalogue_formfield_changelist")).text
    history = html.unescape(
        staff_client.get(reverse("admin:catalogue_category_history", args=[category.pk])).text
    )
    home = staff_client.get(reverse("admin:index")).text

    assert 'alt="No"' in listing
    assert 'alt="False"' not in listing and 'alt="True"' not in listing
    assert "Storico: Visure" in history
    assert "Carrello" in home and ">Cart<" not in home


@pytest.mark.django_db
def test_the_user_pages_and_the_two_list_selector_are_in_italian(staff_client, customer):
    """Strings Django 5.2 added without Italian (user pages, the groups/permissions selector,
    allauth's authenticator activation)."""
    from django.utils import translation

    from sportello.accounts.models import User

    opts = User._meta
    add = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).text
    change = staff_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[customer.pk])
    ).text
    javascript = staff_client.get(reverse("admin:jsi18n")).text

    assert "After you" not in add
    assert "Raw passwords" not in change
    assert "Scegli tutti (%s)" in javascript and "Rimuovi i selezionati (%s)" in javascript
    with translation.override("it"):
        assert "scansiona il codice QR" in translation.gettext(
            "To protect your account with two-factor authentication, scan the QR code below "
            "with your authenticator app. Then, input the verification code generated by the "
            "app below."
        )
