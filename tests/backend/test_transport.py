"""The transport, over httpx.MockTransport: headers, auth scope, retries, error mapping."""

import json

import httpx
import pytest

from agent.backend import errors
from agent.backend.client import NemoClient
from agent.backend.retry import RetryPolicy, Safety
from agent.backend.transport import Transport, check_base_url
from agent.clock import Clock
from agent.secret import Secret

ATTRIBUTION = {"X-Skill-Source": "wan-22", "X-Skill-Version": "9.9", "X-Skill-Platform": "cursor"}


class FakeClock(Clock):
    def __init__(self):
        super().__init__(scale=1.0)
        object.__setattr__(self, "slept", [])

    def sleep(self, seconds):
        self.slept.append(seconds)

    def now(self):
        return 1_800_000_000.0


def make(handler, **kw):
    clock = FakeClock()
    transport = Transport(
        "https://api.example.test",
        ATTRIBUTION,
        clock=clock,
        retry=RetryPolicy(max_retries=2, base_delay=0.5),
        http_transport=httpx.MockTransport(handler),
        **kw,
    )
    return transport, clock


def ok(data):
    return httpx.Response(200, json={"code": 0, "data": data})


def test_attribution_and_bearer_on_every_call():
    seen = []

    def handler(request):
        seen.append(request)
        return ok({"available": 1, "frozen": 0, "total": 1})

    transport, _ = make(handler)
    transport.token = Secret("nmv_usr_secret123")
    NemoClient(transport).credits()
    request = seen[0]
    for name, value in ATTRIBUTION.items():
        assert request.headers[name] == value
    assert request.headers["Authorization"] == "Bearer nmv_usr_secret123"


def test_anonymous_token_call_sends_client_id_and_no_bearer():
    seen = []

    def handler(request):
        seen.append(request)
        return ok({"token": "nmv_usr_new", "user_id": "anon_1"})

    transport, _ = make(handler)
    transport.token = Secret("nmv_usr_old")
    issued = NemoClient(transport).anonymous_token("client-123")
    assert seen[0].headers["X-Client-Id"] == "client-123"
    assert "Authorization" not in seen[0].headers
    assert issued.token.reveal() == "nmv_usr_new"
    assert "nmv_usr_new" not in repr(issued)


def test_missing_client_id_is_typed():
    transport, _ = make(lambda r: httpx.Response(400, json={"message": "Missing X-Client-Id"}))
    with pytest.raises(errors.MissingClientId):
        NemoClient(transport).anonymous_token("")


def test_idempotent_get_retries_5xx_then_succeeds():
    answers = iter([httpx.Response(503), httpx.Response(502), ok({"available": 3})])
    transport, clock = make(lambda r: next(answers))
    assert NemoClient(transport).credits().available == 3
    assert len(clock.slept) == 2


def test_get_gives_up_after_max_retries():
    transport, clock = make(lambda r: httpx.Response(500, text="boom"))
    with pytest.raises(errors.ServerError):
        NemoClient(transport).credits()
    assert len(clock.slept) == 2


def test_paid_post_is_never_resent_after_it_may_have_arrived():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(500)

    transport, clock = make(handler)
    with pytest.raises(errors.ServerError):
        transport.call("POST", "/run_sse", safety=Safety.PAID, json={})
    assert len(calls) == 1 and clock.slept == []


def test_paid_post_is_retried_when_nothing_was_sent():
    calls = []

    def handler(request):
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ConnectError("refused")
        return ok({"fine": True})

    transport, _ = make(handler)
    assert transport.call("POST", "/x", safety=Safety.PAID, json={}) == {"fine": True}
    assert len(calls) == 2


def test_read_timeout_on_paid_post_is_not_retried():
    calls = []

    def handler(request):
        calls.append(request)
        raise httpx.ReadTimeout("slow")

    transport, _ = make(handler)
    with pytest.raises(errors.TimedOut):
        transport.call("POST", "/x", safety=Safety.PAID, json={})
    assert len(calls) == 1


def test_rate_limit_on_token_path_waits_30s_once():
    answers = iter([httpx.Response(429, json={"message": "slow down"}), ok({"token": "nmv_usr_t"})])
    transport, clock = make(lambda r: next(answers))
    NemoClient(transport).anonymous_token("c")
    assert clock.slept == [30.0]


def test_rate_limit_twice_reports_retry_after():
    transport, clock = make(
        lambda r: httpx.Response(429, headers={"Retry-After": "120"}, json={"message": "no"})
    )
    with pytest.raises(errors.RateLimited) as caught:
        NemoClient(transport).anonymous_token("c")
    assert caught.value.retry_after == 120.0
    assert clock.slept == [30.0]


def test_redirect_is_not_followed():
    transport, _ = make(
        lambda r: httpx.Response(302, headers={"Location": "https://evil.example/steal"})
    )
    transport.token = Secret("nmv_usr_x")
    with pytest.raises(errors.ProtocolError):
        NemoClient(transport).credits()


def test_upload_streams_files_as_multipart_field_files(tmp_path):
    bodies = []

    def handler(request):
        bodies.append(request.read())
        return ok({"files": [{"filename": "a.png", "file_type": "image", "cdn_url": "u"}]})

    first = tmp_path / "a.png"
    first.write_bytes(b"\x89PNG\r\n\x1a\n" + b"x" * 100_000)
    progress = []
    transport, _ = make(handler)
    result = NemoClient(transport).upload_files(
        "sid", [first], lambda done, total: progress.append((done, total))
    )
    assert result.files[0].url == "u"
    assert b'name="files"; filename="a.png"' in bodies[0]
    assert progress[-1] == (first.stat().st_size, first.stat().st_size)


@pytest.mark.parametrize(
    ("url", "ok_"),
    [
        ("https://mega-api-prod.nemovideo.ai", True),
        ("http://127.0.0.1:8000", True),
        ("http://localhost:9", True),
        ("http://[::1]:9", True),
        ("http://mega-api-prod.nemovideo.ai", False),
        ("ftp://x", False),
        ("nonsense", False),
    ],
)
def test_base_url_must_be_https_unless_loopback(url, ok_):
    if ok_:
        assert check_base_url(url + "/") == url
    else:
        with pytest.raises(errors.ConnectFailed):
            check_base_url(url)


def test_transport_repr_hides_token():
    transport, _ = make(lambda r: ok({}))
    transport.token = Secret("nmv_usr_topsecret")
    assert "topsecret" not in repr(transport)
    assert "topsecret" not in repr(NemoClient(transport))
    assert "topsecret" not in json.dumps({"t": str(transport.token)})
