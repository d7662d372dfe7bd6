"""The backend's exception tree: one class per documented code and per kind of failure.

    WanError                          (agent.errors)
    └── BackendError
        ├── ApiError                  the backend answered, and said no
        │   ├── AuthError             code 1001 (also 1010, 1011, HTTP 401): bad or expired token
        │   ├── SessionNotFound       code 1002: the session is gone
        │   ├── InsufficientCredits   code 2001
        │   ├── UnsupportedFile       code 4001
        │   ├── FileTooLarge          code 4002 (also HTTP 413)
        │   ├── MissingClientId       HTTP 400 on the anonymous-token call
        │   ├── ExportBlocked         HTTP 402: plan or attribution, not credits
        │   ├── RateLimited           HTTP 429
        │   │   └── TokenLimit        HTTP 429 on the anonymous-token call: one per client a week
        │   ├── ServerError           HTTP 5xx
        │   ├── RenderFailed          a render that ended `failed` or was refused
        │   └── RequestRejected       any other refusal (other 4xx, other codes)
        ├── TransportError            no usable answer arrived
        │   ├── ConnectFailed         nothing was sent: refused, DNS, TLS
        │   ├── TimedOut              a connect, read, write or pool limit passed
        │   └── ConnectionLost        the connection broke mid-answer (or mid-stream)
        ├── ProtocolError             an answer we cannot read: bad JSON, envelope, event, size
        └── DeadlineExceeded          an operation outlived its overall limit

Every class has a stable `kind` used in `--json` output, the reply templates and exit codes.
"""

from __future__ import annotations

from typing import Any, ClassVar

from agent.errors import WanError


class BackendError(WanError):
    """Anything that went wrong talking to the backend."""

    kind = "backend"


class ApiError(BackendError):
    """The backend answered with an error code or status."""

    kind = "rejected"
    codes: ClassVar[frozenset[int]] = frozenset()

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        status: int | None = None,
        request_id: str | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message, code=code, status=status, **details)
        self.code = code
        self.status = status
        self.request_id = request_id


class AuthError(ApiError):
    kind = "auth"
    codes = frozenset({1001, 1010, 1011})


class SessionNotFound(ApiError):
    kind = "session_lost"
    codes = frozenset({1002})


class InsufficientCredits(ApiError):
    kind = "credits"
    codes = frozenset({2001})


class UnsupportedFile(ApiError):
    kind = "unsupported_file"
    codes = frozenset({4001})


class FileTooLarge(ApiError):
    kind = "file_too_large"
    codes = frozenset({4002})


class MissingClientId(ApiError):
    kind = "client_id"


class ExportBlocked(ApiError):
    kind = "export_blocked"


class RateLimited(ApiError):
    kind = "rate_limited"

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, retry_after=retry_after, **kw)
        self.retry_after = retry_after


class TokenLimit(RateLimited):
    """The free token was already issued to this client id (one per 7 days); asking again is
    useless until then, so the user needs their own token."""

    kind = "token_limit"


class ServerError(ApiError):
    kind = "server"


class RenderFailed(ApiError):
    kind = "render_failed"


class RequestRejected(ApiError):
    kind = "rejected"


class TransportError(BackendError):
    """No usable answer: the network or the server's connection failed.

    `maybe_sent` is False only when the request provably never left the machine.
    """

    kind = "network"
    maybe_sent = True


class ConnectFailed(TransportError):
    """The request never left: connection refused, name not found, TLS failure."""

    kind = "network"
    maybe_sent = False


class TimedOut(TransportError):
    kind = "timeout"


class ConnectionLost(TransportError):
    """The connection broke after the request may have reached the server."""

    kind = "connection_lost"


class ProtocolError(BackendError):
    """The answer could not be read: not JSON, not an envelope, an event too large."""

    kind = "protocol"


class DeadlineExceeded(BackendError):
    """An operation ran past its overall limit (a stream's hard cap, a render's wait)."""

    kind = "timeout"


_BY_CODE: dict[int, type[ApiError]] = {
    code: cls
    for cls in (AuthError, SessionNotFound, InsufficientCredits, UnsupportedFile, FileTooLarge)
    for code in cls.codes
}


def error_for_code(code: int) -> type[ApiError]:
    """The class for a documented envelope code (unknown codes are `RequestRejected`)."""
    return _BY_CODE.get(code, RequestRejected)


def is_documented_code(code: int) -> bool:
    """True for the envelope codes the vendor documents (not an HTTP status echoed as a code)."""
    return code in _BY_CODE
