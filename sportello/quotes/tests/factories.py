import factory

from sportello.accounts.tests.factories import UserFactory
from sportello.catalogue.tests.factories import QuoteServiceFactory
from sportello.quotes.actions import link_answer_files
from sportello.quotes.models import QuoteLine, QuoteRequest, QuoteStatus


class QuoteRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuoteRequest

    number = factory.Sequence(lambda n: f"P-2026-{n + 1:06d}")
    customer = factory.SubFactory(UserFactory)
    status = QuoteStatus.SENT
    customer_message = "Serve entro fine mese."


class QuoteLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuoteLine

    quote = factory.SubFactory(QuoteRequestFactory)
    position = factory.Sequence(lambda n: n)
    service = factory.SubFactory(QuoteServiceFactory)
    service_name = factory.LazyAttribute(lambda line: line.service.name)
    answers = factory.LazyFunction(lambda: {"indirizzo": "Via Roma 1, Bologna"})
    answers_display = factory.LazyFunction(
        lambda: [
            {"label": "Indirizzo dell'immobile", "value": "Via Roma 1, Bologna", "file_id": None}
        ]
    )
    form_version = 1

    @factory.post_generation
    def answer_files(line, create, extracted, **kwargs):
        # What the action that writes a line does: link the uploads its answers name.
        if create:
            link_answer_files([line])
