import factory
from django.utils import timezone

from sportello.accounts.tests.factories import UserFactory
from sportello.privacy.models import ConsentEvent, ConsentPurpose, ConsentSource, PrivacyNotice


class PrivacyNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrivacyNotice

    version = factory.Sequence(lambda n: f"2.{n}")
    title = "Informativa sul trattamento dei dati personali"
    body = "1. Titolare del trattamento\nSportello Servizi S.r.l."
    published_at = factory.LazyFunction(timezone.now)


class ConsentEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentEvent

    user = factory.SubFactory(UserFactory)
    purpose = ConsentPurpose.MARKETING
    is_granted = True
    source = ConsentSource.SIGNUP
    notice = factory.LazyFunction(lambda: PrivacyNotice.objects.order_by("-published_at").first())
