"""Everything the sandbox backend remembers, in memory: accounts, tokens, sessions, drafts,
uploads, renders. A restart forgets it all, like a backend that lost you (1001, then 1002)."""

from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.sandbox.settings import SandboxSettings

DAY = 86400.0


@dataclass
class Account:
    user_id: str
    token: str
    client_id: str | None
    expires_at: float
    available: int
    frozen: int = 0
    anonymous: bool = True
    expired: bool = False


@dataclass
class Session:
    session_id: str
    task_id: str
    user_id: str
    language: str | None
    task_name: str
    index: int
    draft: dict[str, Any] | None = None
    video_infos: list[dict[str, Any]] = field(default_factory=list)
    generated_media: list[dict[str, Any]] = field(default_factory=list)
    edit_charged: bool = False
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Render:
    render_id: str
    session_id: str
    user_id: str
    draft: dict[str, Any]
    status: str = "pending"
    progress: int = 5
    created_at: float = field(default_factory=time.time)
    completed_at: float | None = None
    path: Path | None = None
    size: int | None = None
    duration: float | None = None
    error: str | None = None
    fault: str | None = None
    polls: int = 0


class World:
    """The sandbox's whole memory."""

    def __init__(self, settings: SandboxSettings, data_dir: Path) -> None:
        self.settings = settings
        self.data_dir = data_dir
        self.rng = random.Random(settings.seed)  # noqa: S311 -- scripted behaviour, not secrets
        self.reset()

    def reset(self) -> None:
        self.accounts: dict[str, Account] = {}
        self.client_tokens: dict[str, str] = {}
        self.ip_tokens: dict[str, list[float]] = {}
        self.sessions: dict[str, Session] = {}
        self.renders: dict[str, Render] = {}
        self.claims: dict[str, tuple[str, str]] = {}
        self.issued: list[dict[str, str]] = []
        self.rng = random.Random(self.settings.seed)  # noqa: S311

    def chance(self, rate: float) -> bool:
        if rate <= 0:
            return False
        if rate >= 1:
            return True
        return self.rng.random() < rate

    def issue_token(self, client_id: str, now: float) -> Account:
        """A new token; a client whose token expired stays the same anonymous user (same id,
        same credits, same sessions): that is why clients keep their id (SK §1)."""
        token = "nmv_usr_" + secrets.token_hex(16)
        expires = now + self.settings.token_days * DAY
        previous = self.accounts.get(self.client_tokens.get(client_id, ""))
        if previous is not None:
            del self.accounts[previous.token]
            previous.token, previous.expires_at, previous.expired = token, expires, False
            account = previous
        else:
            account = Account(
                user_id="anon_" + secrets.token_hex(8),
                token=token,
                client_id=client_id,
                expires_at=expires,
                available=self.settings.initial_credits,
            )
        self.accounts[token] = account
        self.client_tokens[client_id] = token
        self.issued.append({"token": token, "user_id": account.user_id})
        return account

    def live_token_of(self, client_id: str, now: float) -> Account | None:
        token = self.client_tokens.get(client_id)
        account = self.accounts.get(token) if token else None
        if account is None or account.expired or account.expires_at <= now:
            return None
        return account

    def account_for(self, authorization: str | None, now: float) -> Account | None:
        if not authorization or not authorization.lower().startswith("bearer "):
            return None
        account = self.accounts.get(authorization[7:].strip())
        if account is None or account.expired or account.expires_at <= now:
            return None
        return account

    def new_session(self, account: Account, task_name: str, language: str | None) -> Session:
        session_id = str(self.rng.randrange(10**18, 10**19))
        session = Session(
            session_id=session_id,
            task_id="task_" + secrets.token_hex(6),
            user_id=account.user_id,
            language=language,
            task_name=task_name,
            index=len(self.sessions),
        )
        self.sessions[session_id] = session
        return session

    def claim(self, task_id: str, session_id: str) -> str:
        token = "clm_" + secrets.token_hex(12)
        self.claims[token] = (task_id, session_id)
        self.issued.append({"claim_token": token})
        return token
