"""File questions: type and size limits, content sniffing, and files kept across submissions."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sportello.catalogue.models import FieldType
from sportello.catalogue.tests.factories import FormFieldFactory, ServiceFactory
from sportello.catalogue.tests.helpers import (
    PDF_BYTES,
    answers_form,
    pdf_upload,
    png_upload,
    visitor_files,
)
from sportello.uploads.models import Upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def service():
    service = ServiceFactory(slug="perizia")
    FormFieldFactory(
        service=service,
        key="planimetria",
        label="Planimetria",
        field_type=FieldType.FILE,
        allowed_extensions="pdf",
        position=1,
    )
    FormFieldFactory(service=service, key="cap", label="CAP", field_type=FieldType.CAP, position=2)
    return service


def submit(service, *, data=None, files=None, user=None, session_key="sessione-a"):
    form = answers_form(
        service,
        {"cap": "40121", **(data or {})},
        files or {},
        owner_files=visitor_files(user=user, session_key=session_key),
    )
    form.is_valid()
    form.store_uploads(user=user, session_key=session_key)
    return form


def test_valid_pdf_is_stored_privately_and_answered_by_id(service, settings):
    form = submit(service, files={"planimetria": pdf_upload()})

    assert form.is_valid()
    stored = Upload.objects.get()
    assert form.answers() == {
        "planimetria": {"file_id": stored.pk, "name": "planimetria.pdf"},
        "cap": "40121",
    }
    assert stored.original_name == "planimetria.pdf"
    assert stored.size == len(PDF_BYTES)
    assert stored.session_key == "sessione-a"
    assert stored.owner is None
    assert stored.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    with stored.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES


def test_logged_in_upload_belongs_to_the_account(service, customer):
    submit(service, files={"planimetria": pdf_upload()}, user=customer)

    stored = Upload.objects.get()
    assert stored.owner == customer
    assert stored.session_key == ""


def test_required_file_missing(service):
    form = submit(service)
    assert form.errors["planimetria"] == ["Allega il file richiesto."]
    assert Upload.objects.count() == 0


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
        SimpleUploadedFile("planimetria", PDF_BYTES, content_type="application/pdf"),
        png_upload(),  # allowed by the site, but this question wants a PDF
    ],
    ids=["exe", "no-extension", "png-on-pdf-question"],
)
def test_file_type_not_allowed(service, upload):
    form = submit(service, files={"planimetria": upload})

    assert form.errors["planimetria"] == ["Tipo di file non ammesso. Formati accettati: PDF."]
    assert Upload.objects.count() == 0


def test_field_without_own_list_accepts_the_sites_formats(service):
    service.form_fields.filter(key="planimetria").update(allowed_extensions="")
    form = submit(service, files={"planimetria": png_upload()})

    assert form.is_valid(), form.errors
    assert Upload.objects.get().original_name == "foto.png"


def test_file_too_large(service, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    form = submit(service, files={"planimetria": pdf_upload(content=PDF_BYTES + b"x" * 1024)})

    assert form.errors["planimetria"] == [
        "Il file è troppo grande: la dimensione massima è 1,0\xa0KB."
    ]
    assert Upload.objects.count() == 0


def test_content_not_matching_the_extension_is_refused(service):
    disguised = SimpleUploadedFile("planimetria.pdf", b"\x89PNG\r\n\x1a\nnot a pdf")
    form = submit(service, files={"planimetria": disguised})

    assert form.errors["planimetria"] == ["Il contenuto del file non corrisponde al suo formato."]
    assert Upload.objects.count() == 0


def test_empty_file_is_refused(service):
    form = submit(service, files={"planimetria": SimpleUploadedFile("vuoto.pdf", b"")})
    assert not form.is_valid()
    assert "planimetria" in form.errors
    assert Upload.objects.count() == 0


def test_file_input_tells_the_browser_which_types_are_accepted(service):
    html = str(answers_form(service)["planimetria"])
    assert 'accept=".pdf"' in html
    assert "required" in html


def test_upload_accepted_when_another_field_fails_is_kept_and_not_asked_again(service):
    first = submit(service, data={"cap": "4012"}, files={"planimetria": pdf_upload()})

    assert first.errors == {"cap": ["Il CAP deve essere composto da 5 cifre."]}
    stored = Upload.objects.get()
    html = str(first["planimetria"])
    assert f'<input type="hidden" name="planimetria__kept" value="{stored.pk}">' in html
    assert "File caricato: <strong>planimetria.pdf</strong>" in html
    assert "required" not in html
    # The file input points at that sentence, so screen readers announce it.
    assert 'id="id_planimetria_kept"' in html
    assert re.search(r'<input type="file"[^>]*aria-describedby="[^"]*id_planimetria_kept', html)

    second = submit(service, data={"cap": "40121", "planimetria__kept": str(stored.pk)})

    assert second.is_valid(), second.errors
    assert second.answers()["planimetria"] == {"file_id": stored.pk, "name": "planimetria.pdf"}
    assert Upload.objects.count() == 1


def test_kept_file_of_another_visitor_is_ignored(service):
    submit(service, files={"planimetria": pdf_upload()}, session_key="sessione-altrui")
    foreign = Upload.objects.get()

    form = submit(service, data={"planimetria__kept": str(foreign.pk)}, session_key="sessione-a")

    assert form.errors["planimetria"] == ["Allega il file richiesto."]
    assert "planimetria__kept" not in str(form["planimetria"])


def test_kept_file_of_another_customer_is_ignored(service, customer, other_customer):
    submit(service, files={"planimetria": pdf_upload()}, user=other_customer)
    foreign = Upload.objects.get()

    form = submit(service, data={"planimetria__kept": str(foreign.pk)}, user=customer)

    assert form.errors["planimetria"] == ["Allega il file richiesto."]


@pytest.mark.parametrize("kept", ["abc", "-1", "999999"])
def test_kept_id_that_is_not_a_file_is_ignored(service, kept):
    form = submit(service, data={"planimetria__kept": kept})
    assert form.errors["planimetria"] == ["Allega il file richiesto."]


def test_new_upload_replaces_the_kept_file(service):
    submit(service, files={"planimetria": pdf_upload("vecchia.pdf")})
    old = Upload.objects.get()

    form = submit(
        service,
        data={"planimetria__kept": str(old.pk)},
        files={"planimetria": pdf_upload("nuova.pdf")},
    )

    assert form.is_valid()
    new = Upload.objects.exclude(pk=old.pk).get()
    assert form.answers()["planimetria"] == {"file_id": new.pk, "name": "nuova.pdf"}


def test_saved_answer_shows_the_kept_file_when_the_form_is_reopened(service):
    submit(service, files={"planimetria": pdf_upload()})
    stored = Upload.objects.get()
    answers = {"planimetria": {"file_id": stored.pk, "name": "planimetria.pdf"}, "cap": "40121"}

    form = answers_form(
        service, answers=answers, owner_files=visitor_files(session_key="sessione-a")
    )

    html = str(form["planimetria"])
    assert f'name="planimetria__kept" value="{stored.pk}"' in html
    assert "required" not in html


def test_saved_answer_with_someone_elses_file_is_not_shown(service):
    submit(service, files={"planimetria": pdf_upload()}, session_key="sessione-altrui")
    foreign = Upload.objects.get()
    answers = {"planimetria": {"file_id": foreign.pk, "name": "planimetria.pdf"}}

    form = answers_form(
        service, answers=answers, owner_files=visitor_files(session_key="sessione-a")
    )

    assert "planimetria__kept" not in str(form["planimetria"])


def test_optional_kept_file_can_be_removed(service):
    service.form_fields.filter(key="planimetria").update(is_required=False)
    submit(service, files={"planimetria": pdf_upload()})
    stored = Upload.objects.get()
    reopened = answers_form(
        service,
        answers={"planimetria": {"file_id": stored.pk, "name": "planimetria.pdf"}},
        owner_files=visitor_files(session_key="sessione-a"),
    )
    assert 'name="planimetria__clear"' in str(reopened["planimetria"])

    form = submit(service, data={"planimetria__kept": str(stored.pk), "planimetria__clear": "on"})

    assert form.is_valid()
    assert form.answers()["planimetria"] is None
