"""Schemathesis against the real server's /openapi.json, for every role.

Every operation of the published schema gets generated requests, valid (positive) and invalid
(negative), as anonymous, agent, lead and admin. The checks: no answer is a 5xx, every answer's
status is documented for its operation, and every answer matches its documented schema. Short
in ``make test`` (a few examples per operation and role), many more with ``WEBCARE_STRESS=1``.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.common import RoleTokens, rounds, stress
from tests.support.server import TestServer, running_server

ROLE_NAMES = (None, "agent", "lead", "admin")
PUBLIC = {"/v1/auth/login", "/v1/health", "/v1/ingest/{channel_id}"}
#: Figures of the last run, printed at the end (for RELIABILITY.md).
FIGURES: Counter[str] = Counter()


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestServer]:
    # channels=False: a fuzzed channel must not make the server fetch generated URLs.
    with running_server(tmp_path_factory.mktemp("fuzz"), channels=False) as server:
        server.add_mentions(3)
        yield server


def _operations(server: TestServer) -> list[Any]:
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the schema is invalid: {result.err()}"
        operations.append(result.ok())
    return operations


def _run_operation(
    server: TestServer,
    operation: Any,
    headers: dict[str, str],
    mode: GenerationMode,
    examples: int,
    failures: list[str],
    label: str,
) -> None:
    session = requests.Session()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=not stress(),
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        FIGURES["requests"] += 1
        try:
            response = case.call(base_url=server.url, session=session, headers=headers, timeout=30)
        except requests.RequestException as exc:
            FIGURES["transport errors"] += 1
            failures.append(f"{label}: transport error {exc!r}")
            return
        FIGURES[f"status {response.status_code // 100}xx"] += 1
        if response.status_code >= 500:
            FIGURES["5xx"] += 1
        try:
            case.validate_response(
                response,
                checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
            )
        except (Exception, FailureGroup) as exc:  # a failed check: record it, keep fuzzing
            FIGURES["check failures"] += 1
            failures.append(f"{label} -> {response.status_code}: {str(exc)[:600]}")

    try:
        run()
    except Unsatisfiable:
        FIGURES["operations without invalid inputs"] += 1  # nothing to make invalid
    finally:
        session.close()


@pytest.mark.parametrize("role", ROLE_NAMES, ids=lambda r: r or "anonymous")
def test_no_5xx_and_no_schema_violation(fuzz_server: TestServer, role: str | None) -> None:
    roles = RoleTokens(fuzz_server)
    roles.create()
    failures: list[str] = []
    examples = rounds(2, 60)
    started = time.monotonic()
    operations = _operations(fuzz_server)
    assert len(operations) >= 30  # the whole API, not a subset
    logging.getLogger("webcare.server").setLevel(logging.CRITICAL)  # fuzzing logs nothing useful
    try:
        for operation in operations:
            # anonymous requests stop at the 401 (but the public routes still get both modes)
            public = operation.path in PUBLIC
            both = role is not None or public or stress()
            modes = (
                (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
                if both
                else (GenerationMode.POSITIVE,)
            )
            for mode in modes:
                roles.reset()
                headers = {} if role is None else {"Authorization": f"Bearer {roles.token(role)}"}
                label = f"{role or 'anonymous'} {mode.value} {operation.label}"
                _run_operation(fuzz_server, operation, headers, mode, examples, failures, label)
                FIGURES["operation runs"] += 1
    finally:
        logging.getLogger("webcare.server").setLevel(logging.NOTSET)
        roles.reset()
    FIGURES["seconds"] += round(time.monotonic() - started)
    print(f"schemathesis {role or 'anonymous'}: {dict(FIGURES)}")
    assert not failures, "\n".join(failures[:20])
