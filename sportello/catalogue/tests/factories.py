from decimal import Decimal

import factory

from sportello.catalogue.models import (
    Category,
    FieldChoice,
    FieldType,
    FormField,
    PricingMode,
    Service,
)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Categoria {n}")
    slug = factory.Sequence(lambda n: f"categoria-{n}")
    description = "Servizi di esempio"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Servizio {n}")
    slug = factory.Sequence(lambda n: f"servizio-{n}")
    summary = "Un servizio di esempio"
    description = "Descrizione del servizio."
    delivery_time = "5 giorni lavorativi"
    pricing_mode = PricingMode.FIXED
    net_price = Decimal("100.00")
    vat_rate = Decimal("22.00")


class QuoteServiceFactory(ServiceFactory):
    pricing_mode = PricingMode.QUOTE
    net_price = None


class FormFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormField

    service = factory.SubFactory(ServiceFactory)
    position = factory.Sequence(lambda n: n)
    label = factory.Sequence(lambda n: f"Domanda {n}")
    key = factory.Sequence(lambda n: f"domanda_{n}")
    field_type = FieldType.TEXT
    is_required = True


class FieldChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FieldChoice

    field = factory.SubFactory(FormFieldFactory, field_type=FieldType.CHOICE)
    position = factory.Sequence(lambda n: n)
    label = factory.Sequence(lambda n: f"Opzione {n}")
    value = factory.Sequence(lambda n: f"opzione-{n}")
    price_supplement = Decimal("0.00")
