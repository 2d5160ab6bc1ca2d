"""Property-based run of the whole OpenAPI schema: no generated input may cause a 500.

Schemathesis generates requests (valid and invalid) for every operation and sends them, with a
valid token holding every scope, to the WSGI application in-process. Examples are bounded so
that `make test` (and CI) stays fast.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from sportello.accounts.models import BillingProfile
from sportello.api.actions import create_token
from sportello.api.models import Scope
from sportello.cart.tests.conftest import build_appraisal
from sportello.checkout.tests.conftest import COMPANY_BILLING
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 15


@pytest.fixture
def api_schema(db, customer, settings):
    # No request is turned away by the rate limit during the run.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "api": "100000/m/key"}
    build_appraisal(slug="perizia-immobiliare")
    BillingProfile.objects.create(user=customer, **COMPANY_BILLING)
    OrderLineFactory(order=OrderFactory(customer=customer))
    # The real WSGI handler closes the database connection after each request, which is this
    # test's transaction: keep it open, as Django's test client does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token_header(customer):
    plain = create_token(user=customer, name="Schemathesis", scopes=list(Scope.values)).plain
    return {"Authorization": f"Bearer {plain}"}


def operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


def test_no_generated_request_is_a_server_error(api_schema, token_header):
    # One Hypothesis run per operation, inside this test: schemathesis's own pytest
    # integration (`from_fixture`, subtests) does not run under pytest 9.
    operations_run = []
    for operation in operations(api_schema):

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(headers=token_header, checks=[not_a_server_error])

        run()
        operations_run.append(operation.label)
    assert len(operations_run) == 14, operations_run
