"""What the user reads about a job: its progress, its milestones, its outcome, its errors.

Pure rendering from a `Job` record to text (through the templates) plus media and links.
Which jobs get reported, and marking them reported, is `agent.reports`' business.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agent.jobs.ledger import SUCCEEDED, Job
from agent.replies import render


@dataclass
class JobReport:
    text: str
    job_id: str | None = None
    media: list[dict[str, Any]] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    question: dict[str, Any] | None = None


def progress_text(job: Job, language: str, now: float) -> str:
    minutes = max(int((now - (job.sent_at or job.created_at)) // 60), 0)
    return render(
        "job_running",
        language,
        kind=job.kind,
        job_id=job.id,
        progress=job.progress,
        minutes=minutes,
        phase=job.phase,
        recovering=job.phase == "recovering",
    )


def milestone_text(stage: str, language: str) -> str:
    return render("milestone_raw" if stage == "raw" else "milestone_post", language)


def outcome(job: Job, language: str) -> JobReport:
    """The finished job, told to the user."""
    if job.state != SUCCEEDED:
        report = JobReport(error_text(job.error or {"kind": "internal"}, language, job=job))
    elif job.kind == "export":
        report = _export_outcome(job, language)
    else:
        report = _agent_outcome(job, language)
    report.job_id = job.id
    return report


def _export_outcome(job: Job, language: str) -> JobReport:
    media = list(job.result.get("media") or [])
    links = {k: v for k, v in (job.result.get("links") or {}).items() if isinstance(v, str)}
    first = media[0] if media else {}
    text = render(
        "export_done",
        language,
        path=first.get("path", ""),
        size=human_size(int(first.get("size") or 0)),
        url=links.get("video"),
        task_link=links.get("task"),
    )
    return JobReport(text, media=media, links=links)


def human_size(size: int) -> str:
    """`812 KB`, `4.2 MB`, `1.3 GB`: binary units, one decimal from MB up."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024)) if size else 0} KB"
    if size < 1024**3:
        return f"{size / 1024**2:.1f} MB"
    return f"{size / 1024**3:.1f} GB"


def _agent_outcome(job: Job, language: str) -> JobReport:
    from agent.conversation.draft import (
        describe_changes,
        diff_states,
        snapshot_from_state,
        track_summary,
    )
    from agent.conversation.gui import translate_gui

    parts: list[str] = []
    if any(n.get("kind") == "session_replaced" for n in job.notes):
        parts.append(render("session_replaced", language))
    if job.result.get("recovered"):
        parts.append(render("recovered_outcome", language))
    actions: set[str] = set()
    for raw in job.result.get("texts") or []:
        translated = translate_gui(str(raw))
        actions.update(str(a.kind) for a in translated.actions)
        if translated.text.strip():
            parts.append(translated.text.strip())
    after_raw = job.result.get("after")
    after = snapshot_from_state(after_raw) if isinstance(after_raw, Mapping) else None
    before = snapshot_from_state(job.before) if isinstance(job.before, Mapping) else None
    spoke = len(parts) > 0
    if after is not None and (not spoke or job.result.get("recovered")):
        parts.append(describe_changes(diff_states(before, after), language))
    wants_summary = job.kind == "generation" or actions & {"show_state", "track_summary"}
    if after is not None and wants_summary:
        parts.append(track_summary(after.draft, language))
    credits = job.result.get("credits")
    if isinstance(credits, Mapping) and "credits" in actions:
        parts.append(
            render(
                "credits_balance",
                language,
                available=credits.get("available"),
                frozen=credits.get("frozen"),
                total=credits.get("total"),
                anonymous=False,
                register_url=None,
            )
        )
    follow_up = job.result.get("follow_up")
    if isinstance(follow_up, Mapping):
        parts.append(render("follow_up_started", language, **_follow_up_context(follow_up)))
    question = job.result.get("question")
    if isinstance(question, Mapping) and question.get("questions"):
        parts.append(render("question", language, **_question_context(question)))
    if not parts:
        parts.append(render("job_done_quiet", language, kind=job.kind))
    return JobReport("\n\n".join(parts), question=dict(question) if question else None)


def _follow_up_context(follow_up: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "action": str(follow_up.get("action", "")),
        "job_id": str(follow_up.get("job_id", "")),
        "instruction": str(follow_up.get("instruction", "")),
    }


def _question_context(question: Mapping[str, Any]) -> dict[str, Any]:
    questions = []
    for q in question.get("questions") or []:
        if isinstance(q, Mapping):
            options = [
                str(o.get("label", "")) for o in q.get("options") or [] if isinstance(o, Mapping)
            ]
            questions.append({"prompt": str(q.get("prompt", "")), "options": options})
    return {"title": question.get("title") or "", "questions": questions}


def error_text(error: Mapping[str, Any], language: str, *, job: Job | None = None) -> str:
    """One error, in plain words with the next step (templates `error_<kind>`)."""
    kind = str(error.get("kind") or "internal")
    context = {k: v for k, v in error.items() if k != "kind"}
    context.setdefault("message", "")
    context["job_kind"] = job.kind if job is not None else None
    context["job_sent"] = job.sent if job is not None else False
    from agent.replies import template_keys

    key = f"error_{kind}"
    if key not in template_keys()["en"]:
        key = "error_internal"
    return render(key, language, **context)
