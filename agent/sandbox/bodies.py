"""The request bodies the vendor API takes, as pydantic models (vendor-api.md §2.1, §3.1, §5.3).
Lenient where the vendor is silent (unknown fields pass, ids default to empty so the route can
answer with the documented code), strict where a wrong type means a broken client."""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError


class _Body(BaseModel):
    model_config = ConfigDict(extra="allow")


class Part(_Body):
    text: str | None = None


class Content(_Body):
    parts: list[Part]
    role: str | None = None


class RunAgentRequest(_Body):
    """ADK's `RunAgentRequest`; NemoVideo sends `app_name`, `user_id`, `session_id`,
    `new_message` and never `streaming`."""

    app_name: str = "nemo_agent"
    user_id: str = "me"
    session_id: str = ""
    new_message: Content
    streaming: bool = False

    @property
    def text(self) -> str:
        """Every text part of the message, joined."""
        return "\n".join(p.text for p in self.new_message.parts if p.text is not None).strip()


class NewSession(_Body):
    task_name: str = "project"
    language: str | None = None


class ClaimRequest(_Body):
    task_id: str = ""
    session_id: str = ""


class UrlUpload(_Body):
    urls: list[str]
    source_type: Literal["url"]


class RenderSubmit(_Body):
    id: str = ""
    sessionId: str = ""
    draft: Any = None
    output: dict[str, Any] | None = None


Model = TypeVar("Model", bound=BaseModel)


def parse(model: type[Model], raw: Any) -> Model | None:
    """`raw` as `model`, or None when it does not fit."""
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None
