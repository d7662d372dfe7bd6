"""Both envelopes, bare bodies and error statuses decode to data or the right typed error."""

import json

import pytest

from agent.backend import errors
from agent.backend.envelope import decode_body
from tests.support import FIXTURES

CASES = json.loads((FIXTURES / "envelopes" / "cases.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_envelope_cases(case):
    body = case["raw"].encode() if "raw" in case else json.dumps(case["body"]).encode()
    if "error" in case:
        with pytest.raises(errors.BackendError) as caught:
            decode_body(case["status"], body)
        assert caught.value.kind == case["error"]
        if isinstance(caught.value, errors.ApiError) and case["status"] >= 400:
            assert caught.value.status == case["status"]
    else:
        assert decode_body(case["status"], body) == case["data"]


def test_code_error_keeps_code_and_message():
    with pytest.raises(errors.SessionNotFound) as caught:
        decode_body(200, b'{"code": 1002, "message": "Session not found", "data": null}')
    assert caught.value.code == 1002
    assert "Session not found" in caught.value.message
