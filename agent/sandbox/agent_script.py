"""The scripted agent behind `/run_sse`: it plays a `Plan` as steps (text, tool calls, tool
results, heartbeats) into a queue while changing the session's draft and media.

The work runs as its own task and goes on when the client disconnects, as a real backend's
would: that is what makes "read the state after a lost stream" testable.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Callable
from typing import Any

from agent.sandbox import drafts
from agent.sandbox.billing import release
from agent.sandbox.context import Sandbox
from agent.sandbox.intents import Plan, title_of
from agent.sandbox.state import Account, Media, Session
from agent.sandbox.wire import AgentStep

# A finished video points at the Export button; an edit at the timeline, as the web app would.
EXPORT_SPEAK = ("Click the Export button to download it.", "点击导出按钮即可下载。")
TIMELINE_SPEAK = (
    ("Open the timeline panel to preview.", "打开时间线面板即可预览。"),
    ("Drag the clip on the timeline to adjust it.", "在时间线上拖拽片段即可调整。"),
)
TRAILING_ISSUE = "I encountered a temporary issue. Please try again."
QUESTION_OPTIONS = (
    ("A city skyline at night", "夜晚的城市天际线"),
    ("Ocean waves at sunset", "日落时的海浪"),
    ("A product on a turntable", "转台上的产品"),
)


class Script:
    """Plays one plan into `queue`; None in the queue ends the stream."""

    def __init__(
        self, sandbox: Sandbox, session: Session, account: Account, plan: Plan, frozen: int
    ) -> None:
        self.sandbox, self.session, self.account, self.plan = sandbox, session, account, plan
        self.settings = sandbox.settings
        self.frozen = frozen
        self.queue: asyncio.Queue[AgentStep | None] = asyncio.Queue()

    async def run(self) -> None:
        try:
            if self.plan.kind == "question":
                await self._question()
            elif self.plan.kind == "generation":
                await self._generation()
            else:
                await self._edit()
        finally:
            release(self.account, self.frozen)
            await self.queue.put(None)

    # the three kinds of reply ------------------------------------------------------------------

    async def _question(self) -> None:
        options = [
            {"id": chr(ord("a") + i), "label": self._t(en, zh)}
            for i, (en, zh) in enumerate(QUESTION_OPTIONS)
        ]
        args = {
            "title": self._t("What should the video show?", "视频要展示什么内容？"),
            "questions": [
                {
                    "id": "q1",
                    "prompt": self._t(
                        "Pick a subject, or describe your own", "选一个主题，或描述你自己的想法"
                    ),
                    "options": options,
                    "allow_multiple": False,
                }
            ],
        }
        await self._put(AgentStep("tool_call", name="ask_question", payload=args, call_id=_id()))

    async def _generation(self) -> None:
        plan = self.plan
        seconds = f"{plan.duration_ms / 1000:g}"
        await self._say(
            self._t(
                f"I'll generate your {seconds}-second video now. This may take a few minutes.",
                f"我现在为你生成 {seconds} 秒的视频，可能需要几分钟。",
            )
        )
        args: dict[str, Any] = {"prompt": plan.label, "duration": plan.duration_ms // 1000}
        if plan.image_url:
            args["image_url"] = plan.image_url
        await self._tool(
            "generate_video_with_seedance", args, self.settings.generation_seconds, self._clip
        )
        await self._say(
            self._t(
                f"✅ Your {seconds}-second raw clip is ready: {plan.label}. "
                "Adding music and a title now.",
                f"✅ {seconds} 秒的原始片段已生成：{plan.label}。正在添加音乐和标题。",
            )
        )
        title = title_of(plan.label, plan.zh)
        half = self.settings.second_stage_seconds / 2
        music: dict[str, str] = {}
        await self._tool(
            "generate_music",
            {"mood": "warm", "duration": plan.duration_ms // 1000},
            half,
            lambda: self._music("Warm Breeze", music),
        )
        await self._tool(
            "edit_multitrack",
            {"op": "add_bgm_and_title", "title": title},
            half,
            lambda: self._post_production(music["url"], title),
        )
        await self._say(
            self._closing(
                self._t(
                    "Post-production done: added background music 'Warm Breeze' "
                    f'(35% volume) and the title "{title}".',
                    f"后期制作完成：已添加背景音乐“Warm Breeze”（音量 35%）和标题“{title}”。",
                )
            )
        )
        await self._maybe_noise()

    async def _edit(self) -> None:
        plan = self.plan
        await self._tool(
            "edit_multitrack",
            {"op": plan.edit, "value": plan.value},
            self.settings.edit_seconds,
            self._apply_edit,
        )
        if self.session.chance(self.settings.silent_edit_rate):
            return  # the documented ~30 %: the edit lands, the stream says nothing
        await self._say(self._closing(self._edit_text()))
        await self._maybe_noise()

    # steps -------------------------------------------------------------------------------------

    async def _put(self, step: AgentStep) -> None:
        await self.queue.put(step)

    async def _say(self, text: str) -> None:
        await asyncio.sleep(self.settings.text_seconds)
        await self._put(AgentStep("text", text=text))

    async def _tool(
        self, name: str, args: dict[str, Any], seconds: float, apply: Callable[[], Any]
    ) -> None:
        call_id = _id()
        await self._put(AgentStep("tool_call", name=name, payload=args, call_id=call_id))
        await self._work(seconds)
        result = apply()
        await self._put(AgentStep("tool_result", name=name, payload=result, call_id=call_id))

    async def _work(self, seconds: float) -> None:
        """Heartbeats while a tool runs, as the gateway sends them."""
        beat = max(self.settings.heartbeat_seconds, 0.01)
        remaining = seconds
        while remaining > 0:
            await asyncio.sleep(min(beat, remaining))
            remaining -= beat
            await self._put(AgentStep("heartbeat"))

    def _t(self, en: str, zh: str) -> str:
        return zh if self.plan.zh else en

    def _closing(self, text: str) -> str:
        if self.session.chance(self.settings.gui_speak_rate):
            generated = self.plan.kind == "generation"
            en, zh = EXPORT_SPEAK if generated else self.session.rng.choice(TIMELINE_SPEAK)
            text += " " + self._t(en, zh)
        return text

    async def _maybe_noise(self) -> None:
        if self.session.chance(self.settings.trailing_issue_rate):
            await self._say(TRAILING_ISSUE)

    # what the tools do -------------------------------------------------------------------------

    def _clip(self) -> dict[str, Any]:
        plan, world = self.plan, self.sandbox.world
        image = _media_at(self.sandbox, self.session, plan.image_url)
        clip = world.add_media(
            self.session,
            "clip.mp4",
            "video",
            recipe={
                "kind": "clip",
                "label": plan.label,
                "duration_ms": plan.duration_ms,
                "image": str(image.path) if image and image.path else None,
            },
        )
        url = self.sandbox.media_url(clip)
        drafts.add_clip(self.session, plan.label, plan.duration_ms, url, plan.image_url)
        seconds = plan.duration_ms / 1000
        self.session.generated_media.append({"type": "video", "url": url, "duration": seconds})
        self.session.video_infos.append(
            {"file_type": "video", "cdn_url": url, "duration": seconds, "width": 1280}
            | {"height": 720, "source": "generated"}
        )
        return {"status": "ok", "video_url": url, "duration": seconds}

    def _music(self, name: str, out: dict[str, str]) -> dict[str, Any]:
        duration = drafts.draft_of(self.session)["d"] or self.plan.duration_ms
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "music"
        track = self.sandbox.world.add_media(
            self.session,
            f"{slug}.m4a",
            "audio",
            recipe={"kind": "music", "label": name, "duration_ms": duration},
        )
        out["url"] = self.sandbox.media_url(track)
        self.session.generated_media.append({"type": "audio", "url": out["url"], "name": name})
        return {"status": "ok", "track": name, "audio_url": out["url"]}

    def _post_production(self, music_url: str, title: str) -> dict[str, Any]:
        drafts.add_music(self.session, "Warm Breeze", music_url, 35)
        drafts.add_title(self.session, title)
        return {"status": "ok", "tracks": len(drafts.draft_of(self.session)["t"])}

    def _apply_edit(self) -> dict[str, Any]:
        plan, session = self.plan, self.session
        changed = True
        if plan.edit == "title":
            drafts.add_title(session, plan.value)
        elif plan.edit == "remove_title":
            changed = drafts.remove_title(session)
        elif plan.edit == "music":
            music: dict[str, str] = {}
            self._music(plan.value["name"], music)
            drafts.add_music(session, plan.value["name"], music["url"], plan.value["volume"])
        elif plan.edit == "volume":
            changed = drafts.set_volume(session, plan.value)
        elif plan.edit == "duration":
            drafts.set_length(session, int(plan.value * 1000))
        else:
            changed = drafts.set_grade(session, plan.value)
        return {"status": "ok", "changed": changed}

    def _edit_text(self) -> str:
        plan = self.plan
        if plan.edit == "title":
            return self._t(
                f'✅ Title added: "{plan.value}" (white, top-center, fade-in).',
                f"✅ 已添加标题：“{plan.value}”（白色，顶部居中，淡入）。",
            )
        if plan.edit == "remove_title":
            return self._t("✅ The title has been removed.", "✅ 标题已删除。")
        if plan.edit == "music":
            name, volume = plan.value["name"], plan.value["volume"]
            return self._t(
                f"✅ Background music '{name}' added at {volume}% volume.",
                f"✅ 已添加背景音乐“{name}”，音量 {volume}%。",
            )
        if plan.edit == "volume":
            return self._t(
                f"✅ Music volume set to {plan.value}%.", f"✅ 音乐音量已调整为 {plan.value}%。"
            )
        if plan.edit == "duration":
            return self._t(
                f"✅ The video is now {plan.value:g} seconds long.",
                f"✅ 视频时长已改为 {plan.value:g} 秒。",
            )
        return self._t("✅ Applied a cinematic colour grade.", "✅ 已应用电影感调色。")


def _media_at(sandbox: Sandbox, session: Session, url: str | None) -> Media | None:
    return next((m for m in session.uploads if url and sandbox.media_url(m) == url), None)


def _id() -> str:
    return "call_" + secrets.token_hex(4)
