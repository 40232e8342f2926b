"""Schemathesis over /api/v1/openapi.json, as a district administrator: no 5xx, no answer the
schema does not describe (status code, content type, body).

The schema is read from the app itself through WSGI at collection, so every operation the API
has is a test of its own (``test_api[POST /api/v1/members]``) and a new router is fuzzed the day
it is mounted. Examples are few per operation and derandomized: CI runs the same cases every
time, and a failure reproduces with the pytest id. Every other example has its path ids
replaced by real objects of the district (a member, a concern, its areas, organizations and
units), so handlers get past the 404 and meet the generated bodies; the rest keep the
generated ids (the 404/422 answers). Tokens keep generated ids: revoking the fuzzer's own
token would only end the run early.
"""

import os
import zlib

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dangjian.accounts import services as account_services
from dangjian.accounts.models import ApiToken
from dangjian.concerns.tests.factories import assigned
from dangjian.members.tests.factories import member

pytestmark = pytest.mark.usefixtures("module_city")

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
if os.environ.get("API_FUZZ_PATHS"):  # e.g. API_FUZZ_PATHS='^/api/v1/units' to reproduce one failure
    schema = schema.include(path_regex=os.environ["API_FUZZ_PATHS"])
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """schemathesis calls the WSGI application itself, whose request_started/request_finished
    signals close "old" database connections — on PostgreSQL that closes the connection holding
    the test's transaction. Django's test Client disconnects them for its requests; so do we."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


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


@pytest.fixture
def real_ids(city, superuser):
    """{path parameter: an id in 玄武区} for the parameters whose objects the small city holds."""
    branch = city.org(city.dahanggong)
    someone = member(actor=superuser, organization=branch, name="模糊测试", phone="13912349999")
    concern = assigned(actor=superuser, community=city.dahanggong, organization=branch)
    return {"area_id": city.dahanggong.pk, "organization_id": branch.pk, "branch_id": branch.pk,
            "unit_id": city.unit(city.meiyuan).pk, "member_id": someone.pk, "concern_id": concern.pk}


@schema.parametrize()
@settings(max_examples=5, derandomize=True, database=None, deadline=None,
          phases=[Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_api(case, bearer, real_ids):
    # Which examples get real ids depends on the example alone (not on order or the xdist worker).
    if case.path_parameters and zlib.crc32(repr(sorted(case.path_parameters.items())).encode()) % 2:
        for name in case.path_parameters:
            if name in real_ids:
                case.path_parameters[name] = real_ids[name]
    case.call_and_validate(headers=bearer(), checks=CHECKS)
