"""What a reply costs (vendor-api.md §5.2): a generation `generation_cost`, frozen while it runs
and consumed when it ends; edits `edit_cost` once per session; questions and exports nothing.
Charged when the agent accepts the message, so two messages at once cannot both spend the same
credits."""

from __future__ import annotations

from agent.sandbox.intents import Plan
from agent.sandbox.settings import SandboxSettings
from agent.sandbox.state import Account, Session


def charge(settings: SandboxSettings, account: Account, session: Session, plan: Plan) -> int | None:
    """Take the cost of `plan`; return the credits now frozen (to `release` when the work ends),
    or None when the account cannot pay (2001)."""
    if plan.kind == "generation":
        cost = settings.generation_cost
        if account.available < cost:
            return None
        account.available -= cost
        account.frozen += cost
        return cost
    if plan.kind == "edit" and not session.edit_charged:
        if account.available < settings.edit_cost:
            return None
        account.available -= settings.edit_cost
        session.edit_charged = True
    return 0


def release(account: Account, frozen: int) -> None:
    """The work is over: what was frozen is spent."""
    account.frozen -= frozen
