import factory
from allauth.account.models import EmailAddress

from sportello.accounts.models import User
from sportello.accounts.tests.mfa import enrol_totp

PASSWORD = "Sportello-Test-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"cliente{n}@example.com")
    first_name = factory.Faker("first_name", locale="it_IT")
    last_name = factory.Faker("last_name", locale="it_IT")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """A verified primary address, as after the e-mail code (pass verified=False to skip)."""
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=True)


class StaffFactory(UserFactory):
    """A superuser with an authenticator app (the back-office requires a second factor).

    Pass ``mfa=False`` for a staff member who has not set it up yet."""

    email = factory.Sequence(lambda n: f"staff{n}@sportello.example")
    is_staff = True
    is_superuser = True

    @factory.post_generation
    def mfa(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            enrol_totp(obj)
