"""Links we give the user: the sign-up link that keeps an anonymous user's work, and the
browser link to the project. Neither ever carries the API token (vendor-api.md §5.4)."""

from __future__ import annotations

from agent.backend import errors
from agent.connection import Connection


def registration_link(conn: Connection) -> str | None:
    """`<web>/register?bind=<anonymous user id>` for anonymous users; None otherwise."""
    if not conn.anonymous:
        return None
    base = f"{conn.settings.web_url}/register"
    user_id = conn.user_id
    return f"{base}?bind={user_id}" if user_id else base


def task_link(conn: Connection) -> str | None:
    """A claim-token link to the task (the v1.9 form), else the logged-in task page."""
    session = conn.project.session(conn.api_url)
    if session is None or not session.task_id:
        return None
    task_id, session_id = session.task_id, session.session_id
    web = conn.settings.web_url
    try:
        claim = conn.call(lambda c: c.claim_token(task_id, session_id))
    except errors.BackendError:
        return f"{web}/workspace/task/{task_id}?session={session_id}"
    return f"{web}/workspace/claim?ct={claim.claim_token}"
