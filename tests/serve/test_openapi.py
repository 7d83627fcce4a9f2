"""Property-based run over the OpenAPI document (schemathesis): no generated request gets a 5xx answer.

The document is the app's own; every generated request goes to the real uvicorn server on 127.0.0.1.
Bounded to a few dozen examples per operation so the whole run stays well under a minute.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from claimcheck.serve.app import create_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
schema = schemathesis.openapi.from_dict(create_app().openapi())


@schema.parametrize()
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_answers_match_the_document(case, api):
    case.call_and_validate(base_url=api, checks=CHECKS, timeout=60)
