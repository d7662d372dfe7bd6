"""One httpx client per backend: attribution headers, timeouts, the retry policy, error mapping.

The only place a token becomes an `Authorization` header, and only for the API's own origin:
redirects are not followed, and downloads from other hosts go through `bare_client()`, which
carries no credentials at all.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from agent.backend import errors
from agent.backend.envelope import decode_body, error_for_status
from agent.backend.retry import Failure, RetryPolicy, Safety, parse_retry_after
from agent.clock import Clock
from agent.logs import get_logger
from agent.secret import Secret

_log = get_logger("transport")
MIN_TIMEOUT = 2.0
# No documented JSON answer comes near this; a bigger one is a fault, not data to keep in memory.
MAX_BODY_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Timeouts:
    """Per-call limits in seconds; `stream_read` is the longest silence a stream may keep.

    Use: `Timeouts(read=60)` for a slow backend; `Timeouts().httpx()` builds httpx's object.
    """

    connect: float = 10.0
    read: float = 30.0
    write: float = 60.0
    pool: float = 10.0
    stream_read: float = 150.0

    def scaled(self, clock: Clock) -> Timeouts:
        """These limits under a scaled clock (tests), never below `MIN_TIMEOUT` seconds."""
        if clock.scale == 1.0:
            return self
        return Timeouts(
            *(
                max(clock.seconds(v), MIN_TIMEOUT)
                for v in (self.connect, self.read, self.write, self.pool, self.stream_read)
            )
        )

    def httpx(self, *, streaming: bool = False) -> httpx.Timeout:
        read = self.stream_read if streaming else self.read
        return httpx.Timeout(connect=self.connect, read=read, write=self.write, pool=self.pool)


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> str:
    """The API base URL without a trailing slash; https is required unless it is loopback."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise errors.ConnectFailed(f"the API URL {url!r} is not an http(s) URL", url=url)
    if parts.scheme != "https" and not is_loopback(url):
        raise errors.ConnectFailed(
            f"the API URL {url!r} must use https (plain http is allowed only on loopback)", url=url
        )
    return url.rstrip("/")


def map_transport_error(exc: httpx.HTTPError) -> tuple[errors.BackendError, Failure]:
    """Our error for an httpx failure, and whether the request may have reached the server."""
    detail = type(exc).__name__
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        timed_out = errors.TimedOut(f"connecting to the backend timed out ({detail})")
        timed_out.maybe_sent = False
        return timed_out, Failure.NOT_SENT
    if isinstance(exc, httpx.ConnectError | httpx.UnsupportedProtocol | httpx.ProxyError):
        return errors.ConnectFailed(f"cannot reach the backend ({detail})"), Failure.NOT_SENT
    if isinstance(exc, httpx.TimeoutException):
        return errors.TimedOut(f"the backend stopped answering ({detail})"), Failure.LOST
    if isinstance(exc, httpx.TransportError):
        return errors.ConnectionLost(f"the connection broke ({detail})"), Failure.LOST
    return errors.ConnectionLost(f"the request failed ({detail})"), Failure.LOST


class Transport:
    """Sends requests to one backend with its headers, timeouts and retry policy."""

    def __init__(
        self,
        base_url: str,
        attribution: Mapping[str, str],
        *,
        clock: Clock,
        retry: RetryPolicy | None = None,
        timeouts: Timeouts | None = None,
        http_transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self.token: Secret | None = None
        self._headers = {**attribution, "User-Agent": _user_agent(attribution)}
        self._clock = clock
        self._retry = retry or RetryPolicy()
        self._timeouts = (timeouts or Timeouts()).scaled(clock)
        self._http_transport = http_transport
        self._client: httpx.Client | None = None
        # Headers of the last answer to `call`, for hints such as a poll's `Retry-After`.
        self.last_headers: Mapping[str, str] = {}

    def __repr__(self) -> str:
        return f"Transport({self.base_url!r}, token={self.token!r})"

    @property
    def timeouts(self) -> Timeouts:
        return self._timeouts

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = self._new_client()
        return self._client

    def _new_client(self, *, streaming: bool = False) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url,
            headers=self._headers,
            timeout=self._timeouts.httpx(streaming=streaming),
            follow_redirects=False,
            transport=self._http_transport,
        )

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def call(
        self,
        method: str,
        path: str,
        *,
        safety: Safety = Safety.IDEMPOTENT,
        json: Any = None,
        files: Callable[[], Any] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: bool = True,
        rate_limit_path: bool = False,
    ) -> Any:
        """Send one request (retrying per the policy) and return the envelope's `data`.

        `files` is a factory so that a retried upload reopens its files from the start.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                request = self.client.build_request(
                    method,
                    path,
                    json=json,
                    files=files() if files is not None else None,
                    headers=self._request_headers(headers, auth),
                )
                response = self.client.send(request, stream=True)
                try:
                    body = _read_capped(response)
                finally:
                    response.close()
            except httpx.HTTPError as exc:
                error, failure = map_transport_error(exc)
                delay = self._retry.delay(attempt, failure, safety)
                if delay is None:
                    raise error from None
                self._wait(method, path, attempt, delay, error.kind)
                continue
            _log.debug("%s %s -> %s", method, path, response.status_code)
            self.last_headers = response.headers
            try:
                return self._decode(response, body)
            except errors.ApiError as error:
                if error.status is None or error.status < 400:
                    raise
                retry_after = parse_retry_after(
                    response.headers.get("retry-after"), self._clock.now()
                )
                delay = self._retry.delay(
                    attempt,
                    Failure.STATUS,
                    safety,
                    status=error.status,
                    retry_after=retry_after,
                    rate_limit_path=rate_limit_path,
                )
                if isinstance(error, errors.RateLimited):
                    error.retry_after = retry_after
                if delay is None:
                    raise
                self._wait(method, path, attempt, delay, error.kind)

    def probe(self) -> int:
        """The HTTP status of `GET /` without credentials: proof the backend answers at all."""
        try:
            response = self.client.get("/")
        except httpx.HTTPError as exc:
            raise map_transport_error(exc)[0] from None
        return response.status_code

    @contextmanager
    def stream(
        self, method: str, path: str, *, json: Any, headers: Mapping[str, str] | None = None
    ) -> Iterator[httpx.Response]:
        """Open a long response on a fresh connection; error statuses raise before any body.

        A fresh client means a dead pooled connection can never be mistaken for a sent request:
        either the connect fails (nothing sent) or the request went out.
        """
        client = self._new_client(streaming=True)
        try:
            request_headers = self._request_headers(headers, auth=True)
            try:
                with client.stream(method, path, json=json, headers=request_headers) as response:
                    _check_stream_start(response)
                    yield response
            except httpx.HTTPError as exc:
                raise map_transport_error(exc)[0] from None
        finally:
            client.close()

    def _request_headers(self, extra: Mapping[str, str] | None, auth: bool) -> dict[str, str]:
        headers = dict(extra or {})
        if auth and self.token is not None:
            headers["Authorization"] = f"Bearer {self.token.reveal()}"
        return headers

    def _decode(self, response: httpx.Response, body: bytes) -> Any:
        if 300 <= response.status_code < 400:
            target = urlsplit(response.headers.get("location", "")).hostname
            raise errors.ProtocolError(
                f"the backend redirected to {target!r} and redirects are not followed"
            )
        return decode_body(response.status_code, body, _request_id(response))

    def _wait(self, method: str, path: str, attempt: int, delay: float, kind: str) -> None:
        _log.info("%s %s failed (%s); retry %d in %.1fs", method, path, kind, attempt, delay)
        self._clock.sleep(self._clock.seconds(delay))


def _check_stream_start(response: httpx.Response) -> None:
    """Errors come as JSON before any event, even with HTTP 200 (`{"code": 2001, ...}`):
    read the status and the body before trusting the content type (httpx-sse #11, #33)."""
    status = response.status_code
    if 300 <= status < 400:
        raise errors.ProtocolError(f"the backend redirected the stream (HTTP {status})")
    content_type = response.headers.get("content-type", "")
    if status < 300 and "text/event-stream" in content_type:
        return
    body = _read_capped(response)
    decode_body(status, body, _request_id(response))
    if status >= 400:
        raise error_for_status(status, None)
    raise errors.ProtocolError(
        f"the agent answered {content_type or 'no content type'}, not a stream"
    )


def _read_capped(response: httpx.Response) -> bytes:
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise errors.ProtocolError(f"the backend sent a {int(length)}-byte answer; refusing it")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise errors.ProtocolError("the backend sent an answer too large to be real")
        chunks.append(chunk)
    return b"".join(chunks)


def bare_client(timeouts: Timeouts | None = None) -> httpx.Client:
    """A client with no credentials and no attribution, for media hosts (CDNs, presigned URLs)."""
    limits = timeouts or Timeouts()
    return httpx.Client(timeout=limits.httpx(), follow_redirects=True)


def _request_id(response: httpx.Response) -> str | None:
    value = response.headers.get("x-request-id") or response.headers.get("request-id")
    return str(value) if value else None


def _user_agent(attribution: Mapping[str, str]) -> str:
    name = attribution.get("X-Skill-Source", "wan-22")
    version = attribution.get("X-Skill-Version", "0")
    return f"{name}/{version} (+python-httpx)"
