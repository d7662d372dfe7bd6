"""Both response envelopes, `{code, message, data}` and `{success, data, error}`, plus bare
bodies and FastAPI-style `{detail}` errors, decoded into data or one typed error."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from agent.backend import errors

_STATUS_ERRORS: dict[int, type[errors.ApiError]] = {
    401: errors.AuthError,
    402: errors.ExportBlocked,
    413: errors.FileTooLarge,
    415: errors.UnsupportedFile,
    429: errors.RateLimited,
}
# These statuses say more than most body codes: a bare 402 is the plan, not credits (SK §7),
# and 429 must reach the retry policy as a rate limit. The one exception: a 402 whose body
# carries code 2001 is the "credits exhausted" refusal the changelog describes (SK-CL 1.5).
_STATUS_WINS = frozenset({402, 429})
_CODES_OVER_STATUS = {(402, 2001)}


def _status_wins(status: int, code: int | None) -> bool:
    return status in _STATUS_WINS and (status, code) not in _CODES_OVER_STATUS


def decode_body(status: int, body: bytes, request_id: str | None = None) -> Any:
    """The `data` of a successful response, or raise the error it carries."""
    try:
        parsed = json.loads(body) if body.strip() else None
    except ValueError:
        if status >= 400:
            raise error_for_status(status, _snippet(body), request_id=request_id) from None
        raise errors.ProtocolError(
            f"the backend sent a body that is not JSON (HTTP {status})"
        ) from None
    if isinstance(parsed, Mapping):
        return _decode_mapping(status, parsed, request_id)
    if status >= 400:
        raise error_for_status(status, _snippet(body), request_id=request_id)
    return parsed


def _decode_mapping(status: int, body: Mapping[str, Any], request_id: str | None) -> Any:
    message = _message(body)
    code = body.get("code")
    if _status_wins(status, _int(code)):
        raise error_for_status(status, message, code=_int(code), request_id=request_id)
    if isinstance(code, int) and not isinstance(code, bool) and "success" not in body:
        if code == 0 and status < 400:
            return body.get("data")
        if code != 0 and (status < 400 or errors.is_documented_code(code)):
            cls = errors.error_for_code(code)
            raise cls(
                message or f"error code {code}", code=code, status=status, request_id=request_id
            )
    if isinstance(body.get("success"), bool):
        if body["success"] and status < 400:
            return body.get("data")
        raise _failure_for(status, message or "the backend refused the request", request_id)
    if status >= 400:
        raise error_for_status(status, message, code=_int(code), request_id=request_id)
    return body


def _failure_for(status: int, message: str, request_id: str | None) -> errors.ApiError:
    if status >= 400:
        return error_for_status(status, message, request_id=request_id)
    return errors.RequestRejected(message, status=status, request_id=request_id)


def error_for_status(
    status: int, message: str | None, *, code: int | None = None, request_id: str | None = None
) -> errors.ApiError:
    """The typed error for an HTTP status (and the envelope code, when there was one)."""
    text = message or f"HTTP {status}"
    if code and not _status_wins(status, code) and errors.is_documented_code(code):
        return errors.error_for_code(code)(text, code=code, status=status, request_id=request_id)
    if status == 404 and "session" in text.lower():
        return errors.SessionNotFound(text, code=code, status=status, request_id=request_id)
    if status >= 500:
        return errors.ServerError(text, code=code, status=status, request_id=request_id)
    cls = _STATUS_ERRORS.get(status, errors.RequestRejected)
    return cls(text, code=code, status=status, request_id=request_id)


def _message(body: Mapping[str, Any]) -> str | None:
    for key in ("message", "error", "detail", "msg"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value[:500]
        if isinstance(value, Mapping):
            inner = value.get("message") or value.get("detail")
            if isinstance(inner, str):
                return inner[:500]
    return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _snippet(body: bytes) -> str:
    return body[:200].decode("utf-8", "replace").strip()
