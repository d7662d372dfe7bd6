"""A backend reached with a token, for one project: who we are, and how we stay connected.

Token: `NEMO_TOKEN` wins, else the stored one, else a free anonymous token bound to the client
id. Code 1001: one re-auth with the same client id, then the call again (never for the user's
own `NEMO_TOKEN`). HTTP 400 on the token call: a new client id, one retry. One backend session
per project, created once; code 1002: a new session, and `session_replaced` tells the turn to
say so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from agent.backend import errors
from agent.backend.client import NemoClient
from agent.backend.transport import Transport
from agent.secret import Secret
from agent.settings import Settings
from agent.skill.host import Host
from agent.skill.manifest import SkillManifest
from agent.store.client_id import load_client_id, new_client_id
from agent.store.credentials import CredentialStore, StoredToken
from agent.store.locks import locked
from agent.store.projects import BackendSession, ProjectStore

T = TypeVar("T")


def attribution_headers(manifest: SkillManifest, host: Host) -> dict[str, str]:
    """The three headers every request carries (a missing one makes export fail with 402)."""
    return {
        "X-Skill-Source": manifest.name,
        "X-Skill-Version": manifest.version,
        "X-Skill-Platform": host.platform,
    }


class Connection:
    """The client, the token policy and the session policy of one project on one backend."""

    def __init__(
        self,
        settings: Settings,
        manifest: SkillManifest,
        host: Host,
        project: ProjectStore,
        transport: Transport | None = None,
    ) -> None:
        self.settings = settings
        self.project = project
        self.client = NemoClient(
            transport
            or Transport(
                settings.api_url, attribution_headers(manifest, host), clock=settings.clock
            )
        )
        self._credentials = CredentialStore(settings.dirs)
        self._stored: StoredToken | None = None
        self.session_replaced = False

    def __repr__(self) -> str:
        return f"Connection({self.settings.api_url!r}, project={self.project.name!r})"

    def close(self) -> None:
        self.client.close()

    @property
    def api_url(self) -> str:
        return self.client.transport.base_url

    @property
    def anonymous(self) -> bool:
        return self.settings.env_token is None and (self._stored is None or self._stored.anonymous)

    @property
    def user_id(self) -> str | None:
        session = self.project.session(self.api_url)
        if session is not None and session.user_id:
            return session.user_id
        return self._stored.user_id if self._stored is not None else None

    def authenticate(self) -> None:
        """Make sure the transport carries a token (requesting an anonymous one if needed)."""
        if self.client.transport.token is not None:
            return
        if self.settings.env_token is not None:
            self.client.transport.token = self.settings.env_token
            return
        if self._use_stored_token():
            return
        # One process at a time asks for a token: the backend allows one live token per client.
        with locked(self.settings.dirs.config / ".token.lock"):
            if self._use_stored_token():
                return
            stored = self._credentials.load(self.api_url)
            self._request_anonymous_token(stored.client_id if stored is not None else None)

    def _use_stored_token(self, rejected: Secret | None = None) -> bool:
        stored = self._credentials.load(self.api_url)
        if stored is None or stored.expired(self.settings.clock.now()) or stored.token == rejected:
            return False
        self._stored = stored
        self.client.transport.token = stored.token
        return True

    def _request_anonymous_token(self, previous_client_id: str | None) -> None:
        client_id = previous_client_id or load_client_id(self.settings.dirs, self.settings.env)
        try:
            issued = self.client.anonymous_token(client_id)
        except errors.MissingClientId:
            client_id = new_client_id(self.settings.dirs)
            issued = self.client.anonymous_token(client_id)
        self._stored = StoredToken(
            token=issued.token,
            expires_at=issued.expires_at,
            user_id=issued.user_id,
            client_id=client_id,
            anonymous=True,
        )
        self._credentials.save(self.api_url, self._stored)
        self.client.transport.token = issued.token

    def call(self, action: Callable[[NemoClient], T]) -> T:
        """Run `action` with a token; on 1001, re-authenticate once and run it again."""
        self.authenticate()
        try:
            return action(self.client)
        except errors.AuthError:
            if self.settings.env_token is not None:
                raise  # the user's own token was refused: renewing it is theirs to do
            rejected = self.client.transport.token
            client_id = self._stored.client_id if self._stored is not None else None
            self.client.transport.token = None
            with locked(self.settings.dirs.config / ".token.lock"):
                # Another process may already have renewed it.
                if not self._use_stored_token(rejected=rejected):
                    self._credentials.forget(self.api_url)
                    self._request_anonymous_token(client_id)
            return action(self.client)

    def session(self, language: str | None) -> BackendSession:
        """The project's session on this backend, created (once) when it has none."""
        existing = self.project.session(self.api_url)
        if existing is not None:
            return existing
        self.project.ensure()
        with locked(self.project.root / ".session.lock"):
            existing = self.project.session(self.api_url)
            if existing is not None:
                return existing
            return self._create_session(language)

    def _create_session(self, language: str | None) -> BackendSession:
        info = self.call(lambda c: c.create_session(language))
        session = BackendSession(
            session_id=info.session_id,
            task_id=info.task_id,
            user_id=info.user_id or (self._stored.user_id if self._stored else None),
            created_at=self.settings.clock.now(),
        )
        self.project.save_session(self.api_url, session)
        return session

    def in_session(self, language: str | None, action: Callable[[NemoClient, str], T]) -> T:
        """Run `action(client, session_id)`; on 1002, start a new session and run it once more."""
        session = self.session(language)
        try:
            return self.call(lambda c: action(c, session.session_id))
        except errors.SessionNotFound:
            self.project.ensure()
            with locked(self.project.root / ".session.lock"):
                current = self.project.session(self.api_url)
                if current is not None and current.session_id != session.session_id:
                    fresh = current  # another process already replaced it
                else:
                    self.project.forget_session(self.api_url)
                    fresh = self._create_session(language)
            self.session_replaced = True
            return self.call(lambda c: action(c, fresh.session_id))
