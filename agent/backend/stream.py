"""The `/run_sse` agent stream as typed events, from either documented wire shape.

Typed shape (SK-REF): `{"type": "text" | "tool_call" | "tool_result" | "heartbeat", ...}`.
ADK shape (vendor-api.md §3.3): `{"content": {"parts": [{"text"} | {"functionCall"} |
{"functionResponse"}]}, "partial": ..., "errorCode": ...}`. Heartbeats are `{"type":
"heartbeat"}`, empty `data:` payloads and `:` comment lines. There is no end event: the stream
ends when the connection closes. SSE framing is httpx-sse's; this module classifies.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from httpx_sse import EventSource, SSEError

from agent.backend.errors import ProtocolError

MAX_EVENT_CHARS = 4 * 1024 * 1024
QUESTION_TOOL = "ask_question"


@dataclass(slots=True)
class TextEvent:
    text: str
    partial: bool = False


@dataclass(slots=True)
class ToolCallEvent:
    name: str
    args: Mapping[str, Any] = field(default_factory=dict)
    call_id: str | None = None


@dataclass(slots=True)
class ToolResultEvent:
    name: str
    result: Any = None
    call_id: str | None = None


@dataclass(slots=True)
class HeartbeatEvent:
    pass


@dataclass(slots=True)
class ErrorEvent:
    message: str
    code: str | None = None


@dataclass(frozen=True)
class QuestionOption:
    option_id: str
    label: str


@dataclass(frozen=True)
class Question:
    question_id: str
    prompt: str
    options: tuple[QuestionOption, ...]
    allow_multiple: bool = False


@dataclass(slots=True)
class QuestionEvent:
    """The agent asks the user (an `ask_question` tool call); the answer is the next message."""

    title: str | None
    questions: tuple[Question, ...]


@dataclass(slots=True)
class UnknownEvent:
    """A data payload we could not classify; kept for the journal, never shown."""

    raw: str


AgentEvent = (
    TextEvent
    | ToolCallEvent
    | ToolResultEvent
    | HeartbeatEvent
    | ErrorEvent
    | QuestionEvent
    | UnknownEvent
)

HEARTBEAT = HeartbeatEvent()


_raw_decode = json.JSONDecoder().raw_decode


def _decode(data: str) -> Any:
    """`json.loads` without its two whitespace scans (a tenth of the stream's time)."""
    try:
        value, end = _raw_decode(data)
    except ValueError:
        return json.loads(data)  # leading whitespace, or really not JSON: let json decide
    if end != len(data) and not data[end:].isspace():
        raise ValueError("extra data after the JSON value")
    return value


def classify(data: str) -> list[AgentEvent]:
    """The events one SSE `data` payload carries (an ADK event may carry several parts).

    JSON objects are always `dict`, so `type(...) is dict` replaces the slower ABC checks.
    """
    if not data or data.isspace():
        return [HEARTBEAT]
    try:
        payload = _decode(data)
    except ValueError:
        return [UnknownEvent(data[:200])]
    if type(payload) is not dict:
        return [UnknownEvent(data[:200])]
    kind = payload.get("type")
    if kind is not None:
        return _classify_typed(kind, payload, data)
    return _classify_adk(payload, data)


def _classify_typed(kind: Any, payload: dict[str, Any], data: str) -> list[AgentEvent]:
    if kind == "heartbeat":
        return [HEARTBEAT]
    if kind == "text":
        text = payload.get("content") or payload.get("text")
        if type(text) is not str:
            return [HEARTBEAT]
        return [TextEvent(text, bool(payload.get("partial")))]
    if kind == "tool_call":
        return [_tool_call(_first_str(payload, "name"), payload.get("args"), payload.get("id"))]
    if kind == "tool_result":
        name = _first_str(payload, "name")
        return [ToolResultEvent(name, payload.get("result"), _str_or_none(payload.get("id")))]
    if kind == "error":
        message = _first_str(payload, "message", "error", "content") or "the agent failed"
        return [ErrorEvent(message, _str_or_none(payload.get("code")))]
    return [UnknownEvent(data[:200])]


def _classify_adk(payload: dict[str, Any], data: str) -> list[AgentEvent]:
    if "error" in payload or "errorCode" in payload or "errorMessage" in payload:
        message = _first_str(payload, "errorMessage", "error") or "the agent failed"
        return [ErrorEvent(message, _str_or_none(payload.get("errorCode")))]
    content = payload.get("content")
    parts = content.get("parts") if type(content) is dict else None
    if type(parts) is not list:
        return [UnknownEvent(data[:200])]
    partial = bool(payload.get("partial"))
    events: list[AgentEvent] = []
    for part in parts:
        if type(part) is not dict:
            continue
        text = part.get("text")
        if text and type(text) is str and not part.get("thought"):
            events.append(TextEvent(text, partial))
        call = part.get("functionCall") or part.get("function_call")
        if type(call) is dict:
            events.append(_tool_call(_first_str(call, "name"), call.get("args"), call.get("id")))
        reply = part.get("functionResponse") or part.get("function_response")
        if type(reply) is dict:
            name = _first_str(reply, "name")
            events.append(
                ToolResultEvent(name, reply.get("response"), _str_or_none(reply.get("id")))
            )
    return events or [HEARTBEAT]


def _tool_call(name: str, args: Any, call_id: Any) -> AgentEvent:
    arguments = args if isinstance(args, Mapping) else {}
    if name == QUESTION_TOOL:
        return parse_question(arguments)
    return ToolCallEvent(name, arguments, _str_or_none(call_id))


def parse_question(args: Mapping[str, Any]) -> QuestionEvent:
    """An `ask_question` call: `{title, questions: [{id, prompt, options: [{id, label}]}]}`.

    A bare `{question, options}` form is read too, since the arguments are not documented.
    """
    raw_questions = args.get("questions")
    if not isinstance(raw_questions, list):
        raw_questions = [args]
    questions = []
    for index, raw in enumerate(raw_questions, 1):
        if not isinstance(raw, Mapping):
            continue
        prompt = _first_str(raw, "prompt", "question", "text", "title")
        options = tuple(_option(i, o) for i, o in enumerate(_list(raw.get("options")), 1))
        if prompt or options:
            questions.append(
                Question(
                    _first_str(raw, "id") or f"q{index}",
                    prompt,
                    tuple(o for o in options if o.label),
                    bool(raw.get("allow_multiple")),
                )
            )
    title = _first_str(args, "title") or None
    return QuestionEvent(title, tuple(questions))


def _option(index: int, raw: Any) -> QuestionOption:
    if isinstance(raw, str):
        return QuestionOption(str(index), raw)
    if isinstance(raw, Mapping):
        return QuestionOption(_first_str(raw, "id") or str(index), _first_str(raw, "label", "text"))
    return QuestionOption(str(index), "")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _first_str(raw: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = raw.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def _str_or_none(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    return str(value)


class _WatchedText:
    """The response's text, seen on its way to httpx-sse: comment lines are counted as
    heartbeats and an event that grows past `MAX_EVENT_CHARS` is refused."""

    def __init__(self, response: httpx.Response) -> None:
        self.headers = response.headers
        self._response = response
        self.comments = 0
        self._pending = 0
        self._last = "\n"

    def iter_text(self) -> Iterator[str]:
        for chunk in self._response.iter_text():
            joined = self._last + chunk
            self.comments += joined.count("\n:") + joined.count("\r:")
            self._last = chunk[-1:]
            cut = max(chunk.rfind("\n\n"), chunk.rfind("\r\n\r\n"), chunk.rfind("\r\r"))
            self._pending = len(chunk) - cut if cut >= 0 else self._pending + len(chunk)
            if self._pending > MAX_EVENT_CHARS:
                raise ProtocolError(
                    f"the agent sent an event larger than {MAX_EVENT_CHARS // 1048576} MiB"
                )
            yield chunk


def iter_events(response: httpx.Response) -> Iterator[AgentEvent]:
    """Every event of an open `/run_sse` response, in order, until the connection closes."""
    watched = _WatchedText(response)
    source = EventSource(watched)  # type: ignore[arg-type]  # it reads .headers and .iter_text()
    seen_comments = 0
    try:
        for sse in source.iter_sse():
            # Comments are counted per network chunk, so within one chunk they are reported
            # before that chunk's events; servers flush per event, which keeps the order.
            if seen_comments != watched.comments:
                yield from [HEARTBEAT] * (watched.comments - seen_comments)
                seen_comments = watched.comments
            data = sse.data
            if data:
                yield from classify(data)
            else:
                yield HEARTBEAT
    except SSEError as exc:
        raise ProtocolError(f"the agent stream is not an event stream ({exc})") from None
    while seen_comments < watched.comments:
        seen_comments += 1
        yield HEARTBEAT


class AgentStream:
    """An open agent stream: iterate its events; `close()` (from any thread) ends it."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    def __iter__(self) -> Iterator[AgentEvent]:
        from agent.backend.transport import map_transport_error

        try:
            yield from iter_events(self._response)
        except httpx.HTTPError as exc:
            raise map_transport_error(exc)[0] from None

    def close(self) -> None:
        self._response.close()


def parse_transcript(lines: Iterable[str]) -> list[AgentEvent]:
    """Events of a recorded stream (the body of a `.sse` fixture), for tests and tools."""
    chunks = [(line if line.endswith("\n") else line + "\n").encode() for line in lines]
    response = httpx.Response(
        200, headers={"content-type": "text/event-stream"}, content=iter(chunks)
    )
    return list(iter_events(response))
