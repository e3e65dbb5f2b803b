"""The API fuzzed against its own OpenAPI schema (schemathesis), as three roles.

GIVEN the small school and a personal token for the principal, the maths teacher and a parent,
WHEN schemathesis sends every operation of /api/v1/openapi.json bounded numbers of generated
requests (valid ones, then ones that break the schema) through the WSGI application, THEN no
answer is a server error and every status answered is one the operation declares.

Runs in the suite on SQLite and PostgreSQL (``make test``); ``HOSO_FUZZ_EXAMPLES`` raises the
number of examples per operation and mode for a longer run."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import status_code_conformance

from hoso.accounts.actions import api_token_create
from hoso.api.api import api

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("HOSO_FUZZ_EXAMPLES", "6"))
ROLES = ("principal", "subject", "parent")
CHECKS = [not_a_server_error, status_code_conformance]


@pytest.fixture
def app():
    """Django's WSGI handler, inside the test's transaction: requests must not close the
    connection (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _operations():
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    return [result.ok() for result in schema.get_all_operations()]


def test_the_schema_lists_every_operation():
    # A new operation is fuzzed without editing this file; the count guards the loader.
    assert len(_operations()) >= 17


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_error_and_only_declared_statuses(world, app, role, mode):
    _, token = api_token_create(user=world.users[role], name="fuzz")
    headers = {"Authorization": f"Bearer {token}"}
    answered: dict[str, set[int]] = {}

    def fuzz_one(operation) -> None:
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def fuzz(case):
            response = case.call(app=app, headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
            answered.setdefault(operation.label, set()).add(response.status_code)

        fuzz()

    for operation in _operations():
        if operation.path.endswith("/tokens") and operation.method.upper() == "POST":
            continue  # minting tokens in a loop tests nothing more than test_api does
        fuzz_one(operation)

    # The token stayed valid: the fuzz reached the operations, not only the 401 door.
    statuses = set().union(*answered.values())
    assert statuses - {401}, answered
