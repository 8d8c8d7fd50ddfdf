"""Schemathesis against the WSGI app (issue 7, "Proof"): every operation of the OpenAPI schema
gets a bounded number of generated requests, valid and invalid, sent with a customer's token
(a customer who is also a pro, so both sides' operations run past their permission check).
No answer may be a 5xx, and every answer must match the schema: a documented status, the
documented content type, a body of the documented shape (the error envelope for errors).

Marked `schemathesis`: `pytest -m "not schemathesis"` leaves it out; `make test` runs it.
Deterministic (derandomized), so a failure replays; SCHEMATHESIS_MAX_EXAMPLES sets the bound.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core import services as accounts
from tests.factories import AddressFactory, CustomerFactory, ProFactory

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Counted for the run's summary line (tests/security/conftest.py prints it).
RAN = {"cases": 0, "operations": set()}


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the WSGI handler must not close the test's database
    connection (and its transaction) at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def account():
    pro = ProFactory(user__email="both@example.com")
    customer = CustomerFactory(user=pro.user)
    AddressFactory(customer=customer)
    return pro.user


def _load_schema():
    from wecasa.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/schema?format=json", application)


# Loaded at collection (pytest-django has configured Django by then; no database needed).
schema = _load_schema()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_match_the_schema_and_never_5xx(case, account):
    # A token per request: "log out" and "log out everywhere" must not end the run.
    key = accounts.auth_token_issue(user=account).key
    RAN["cases"] += 1
    RAN["operations"].add(case.operation.label)
    case.call_and_validate(headers={"Authorization": f"Token {key}"}, checks=CHECKS)
