"""Small builders shared by the catalogue tests."""

from django.core.files.uploadedfile import SimpleUploadedFile

from sportello.catalogue import queries
from sportello.catalogue.forms import ServiceAnswersForm
from sportello.catalogue.tests.factories import FieldChoiceFactory, FormFieldFactory
from sportello.uploads.models import Upload

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf_upload(name: str = "planimetria.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_upload(name: str = "foto.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def field_with_choices(field_type, choices, **kwargs):
    """A choice field with [(value, label, supplement)] choices."""
    field = FormFieldFactory(field_type=field_type, **kwargs)
    for position, (value, label, supplement) in enumerate(choices, start=1):
        FieldChoiceFactory(
            field=field, value=value, label=label, price_supplement=supplement, position=position
        )
    return field


def definitions(service):
    """The service's form fields with their choices, as the views load them."""
    return list(queries.service_with_form(service.slug).form_fields.all())


def answers_form(service, data=None, files=None, **kwargs) -> ServiceAnswersForm:
    return ServiceAnswersForm(data, files, fields_definition=definitions(service), **kwargs)


def visitor_files(*, user=None, session_key: str = ""):
    """The uploads a visitor may reuse, as the cart passes them in `owner_files`."""
    if user is not None:
        return Upload.objects.filter(owner=user)
    return Upload.objects.filter(owner__isnull=True, session_key=session_key)
