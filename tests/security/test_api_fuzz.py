"""Schemathesis over /api/v1/openapi.json, as a district administrator: no 5xx, no answer the
schema does not describe (status code, content type, body).

The schema is read from the app itself through WSGI at collection, so every operation the API
has is a test of its own (``test_api[POST /api/v1/members]``) and a new router is fuzzed the day
it is mounted. Examples are few per operation and derandomized: CI runs the same cases every
time, and a failure reproduces with the pytest id.
"""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dangjian.accounts import services as account_services
from dangjian.accounts.models import ApiToken

pytestmark = pytest.mark.usefixtures("module_city")

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
if os.environ.get("API_FUZZ_PATHS"):  # e.g. API_FUZZ_PATHS='^/api/v1/units' to reproduce one failure
    schema = schema.include(path_regex=os.environ["API_FUZZ_PATHS"])
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def bearer(district_admin):
    token, secret = account_services.token_issue(actor=district_admin, user=district_admin, name="fuzz")

    def header() -> dict[str, str]:
        # A fuzzed POST /tokens/{id}/revoke may hit this very token: issue another then.
        nonlocal token, secret
        if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).exists():
            token, secret = account_services.token_issue(actor=district_admin, user=district_admin, name="fuzz")
        return {"Authorization": f"Bearer {secret}"}

    return header


@schema.parametrize()
@settings(max_examples=5, derandomize=True, database=None, deadline=None,
          phases=[Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_api(case, bearer):
    case.call_and_validate(headers=bearer(), checks=CHECKS)
