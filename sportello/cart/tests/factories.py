import factory

from sportello.cart.actions import link_answer_files
from sportello.cart.models import Cart, CartKind, CartLine
from sportello.catalogue.tests.factories import ServiceFactory


class CartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cart

    kind = CartKind.PURCHASE
    user = None


class CartLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CartLine

    cart = factory.SubFactory(CartFactory)
    service = factory.SubFactory(ServiceFactory)
    answers = factory.LazyFunction(dict)
    form_version = factory.LazyAttribute(lambda line: line.service.form_version)

    @factory.post_generation
    def answer_files(line, create, extracted, **kwargs):
        # What the action that writes a line does: link the uploads its answers name.
        if create:
            link_answer_files(line)
