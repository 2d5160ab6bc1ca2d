import factory
from stdnum import luhn

from sportello.accounts.tests.factories import UserFactory
from sportello.companies.models import Company, Membership, Role


def partita_iva(n: int) -> str:
    """A valid partita IVA (checksum included) for the n-th factory company."""
    body = f"{1000000 + n:07d}001"
    return body + luhn.calc_check_digit(body)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Studio Tecnico {n} S.r.l.")
    partita_iva = factory.Sequence(partita_iva)
    codice_fiscale = factory.LazyAttribute(lambda company: company.partita_iva)
    sdi_code = "M5UXCR1"
    address = "Via dell'Indipendenza 10"
    cap = "40121"
    comune = "Bologna"
    provincia = "BO"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    company = factory.SubFactory(CompanyFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.BUYER
