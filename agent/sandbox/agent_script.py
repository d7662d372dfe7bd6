"""The scripted agent behind the sandbox's `/run_sse`: it plans a reply to one message and plays
it as steps (text, tool calls, tool results, heartbeats) while changing the session's draft.

The work runs as its own task and goes on when the client disconnects, as a real backend's
would: that is what makes "read the state after a lost stream" testable.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agent.sandbox.settings import SandboxSettings
from agent.sandbox.state import Account, Session, World
from agent.sandbox.wire import AgentStep

GENERATION_WORDS = (
    "generate",
    "create",
    "produce",
    "animate",
    "video of",
    "video about",
    "clip of",
    "make a video",
    "make me a",
    "生成",
    "制作",
    "创建",
    "做一",
    "做个",
)
EMPTY_REQUESTS = frozenset(
    {
        "make a video",
        "make me a video",
        "create a video",
        "generate a video",
        "a video",
        "video",
        "做个视频",
        "做一个视频",
        "生成视频",
        "来个视频",
    }
)
GENRES = {
    "lo-fi": "Lo-fi",
    "lofi": "Lo-fi",
    "piano": "Soft Piano",
    "jazz": "Jazz Café",
    "rock": "Rock Drive",
    "ambient": "Ambient Drift",
    "钢琴": "钢琴曲",
    "爵士": "爵士乐",
    "electronic": "Neon Pulse",
    "epic": "Epic Rise",
}


@dataclass
class Plan:
    kind: str  # question, generation, edit
    duration_ms: int = 5000
    label: str = ""
    image_url: str | None = None
    edit: str = ""  # music, title, remove_title, duration, volume, style
    value: Any = None
    zh: bool = False
    cost: int = 0
    notes: dict[str, Any] = field(default_factory=dict)


def plan_reply(session: Session, text: str) -> Plan:
    lowered = text.strip().lower()
    zh = any("\u4e00" <= ch <= "\u9fff" for ch in text)
    bare = lowered.strip(" .!?。！？")
    if bare in EMPTY_REQUESTS:
        return Plan("question", zh=zh)
    has_video = bool(session.draft and any(t.get("tt") == 0 for t in session.draft.get("t", [])))
    image = next(
        (
            u["cdn_url"]
            for u in session.uploads.values()
            if u["file_type"] == "image" and u["cdn_url"] in text
        ),
        None,
    )
    edit = _edit_of(lowered, text)
    if image or not has_video or (any(w in lowered for w in GENERATION_WORDS) and edit is None):
        seconds = _seconds(lowered) or 5
        return Plan(
            "generation",
            duration_ms=int(seconds * 1000),
            label=_label(text),
            image_url=image,
            zh=zh,
        )
    kind, value = edit if edit is not None else ("style", "cinematic")
    return Plan("edit", edit=kind, value=value, zh=zh)


def _edit_of(lowered: str, text: str) -> tuple[str, Any] | None:
    if ("remove" in lowered or "删除" in text or "去掉" in text) and (
        "title" in lowered or "标题" in text
    ):
        return "remove_title", None
    if "title" in lowered or "标题" in text:
        return "title", _quoted(text) or "Untitled"
    if "volume" in lowered or "音量" in text:
        return "volume", _percent(lowered) or 50
    if (
        any(w in lowered for w in ("music", "bgm", "soundtrack"))
        or "音乐" in text
        or "配乐" in text
    ):
        genre = next((name for key, name in GENRES.items() if key in lowered or key in text), None)
        return "music", {"name": genre or "Warm Breeze", "volume": _percent(lowered) or 35}
    seconds = _seconds(lowered)
    if seconds and any(
        w in lowered for w in ("make it", "longer", "shorter", "seconds", "改成", "秒")
    ):
        return "duration", seconds
    return None


def _quoted(text: str) -> str | None:
    pairs = (("'", "'"), ('"', '"'), ("“", "”"), ("「", "」"), ("‘", "’"), ("《", "》"))
    for left, right in pairs:
        start = text.find(left)
        end = text.find(right, start + 1)
        if start != -1 and end > start + 1:
            return text[start + 1 : end].strip()
    return None


def _numbers(text: str) -> list[float]:
    found, current = [], ""
    for ch in text + " ":
        if ch.isdigit() or (ch == "." and current):
            current += ch
        elif current:
            with contextlib.suppress(ValueError):
                found.append(float(current))
            current = ""
    return found


def _seconds(lowered: str) -> float | None:
    for marker in ("-second", " second", "s ", "秒", "sec"):
        index = lowered.find(marker)
        if index > 0:
            head = lowered[:index].rstrip(" -")
            numbers = _numbers(head[-6:])
            if numbers and 1 <= numbers[-1] <= 60:
                return numbers[-1]
    numbers = _numbers(lowered)
    if lowered.rstrip().endswith("s") and numbers and 1 <= numbers[-1] <= 60:
        return numbers[-1]
    return None


def _percent(lowered: str) -> int | None:
    index = lowered.find("%")
    if index > 0:
        numbers = _numbers(lowered[max(index - 4, 0) : index])
        if numbers:
            return max(0, min(100, int(numbers[-1])))
    return None


def _label(text: str) -> str:
    lowered = text.lower()
    for marker in (" of ", " about ", " showing "):
        index = lowered.find(marker)
        if index != -1:
            return text[index + len(marker) :].strip(" .!?")[:70]
    for marker in ("，", ",", "：", ":"):
        if marker in text:
            return text.split(marker, 1)[1].strip(" 。！")[:40]
    return text.strip(" .!?。！")[:70]


def _title_of(label: str, zh: bool) -> str:
    if zh:
        return label[:6] or "我的视频"
    words = [
        w for w in label.replace(",", " ").split() if w.lower() not in ("a", "an", "the", "of")
    ]
    return " ".join(w.capitalize() for w in words[:3]) or "My Video"


class Script:
    """Plays a plan into a queue of steps, changing the world as the work lands."""

    def __init__(
        self,
        world: World,
        session: Session,
        account: Account,
        plan: Plan,
        cdn: Callable[[str], str],
    ) -> None:
        self.world, self.session, self.account, self.plan = world, session, account, plan
        self.settings: SandboxSettings = world.settings
        self.cdn = cdn
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
            await self.queue.put(None)

    async def _say(self, text: str) -> None:
        await asyncio.sleep(self.settings.text_seconds)
        await self.queue.put(AgentStep("text", text=text))

    async def _tool(
        self, name: str, args: dict[str, Any], seconds: float, apply: Callable[[], Any]
    ) -> Any:
        call_id = "call_" + secrets.token_hex(4)
        await self.queue.put(AgentStep("tool_call", name=name, payload=args, call_id=call_id))
        await self._work(seconds)
        result = apply()
        await self.queue.put(AgentStep("tool_result", name=name, payload=result, call_id=call_id))
        return result

    async def _work(self, seconds: float) -> None:
        beat = max(self.settings.heartbeat_seconds, 0.01)
        remaining = seconds
        while remaining > 0:
            await asyncio.sleep(min(beat, remaining))
            remaining -= beat
            await self.queue.put(AgentStep("heartbeat"))

    def _t(self, en: str, zh: str) -> str:
        return zh if self.plan.zh else en

    async def _question(self) -> None:
        args = {
            "title": self._t("What should the video show?", "视频要展示什么内容？"),
            "questions": [
                {
                    "id": "q1",
                    "prompt": self._t(
                        "Pick a subject, or describe your own", "选一个主题，或描述你自己的想法"
                    ),
                    "options": [
                        {
                            "id": "a",
                            "label": self._t("A city skyline at night", "夜晚的城市天际线"),
                        },
                        {"id": "b", "label": self._t("Ocean waves at sunset", "日落时的海浪")},
                        {"id": "c", "label": self._t("A product on a turntable", "转台上的产品")},
                    ],
                    "allow_multiple": False,
                }
            ],
        }
        await self.queue.put(
            AgentStep(
                "tool_call",
                name="ask_question",
                payload=args,
                call_id="call_" + secrets.token_hex(4),
            )
        )

    async def _generation(self) -> None:
        plan, account = self.plan, self.account
        cost = self.settings.generation_cost
        account.available -= cost
        account.frozen += cost
        try:
            seconds = plan.duration_ms // 1000
            await self._say(
                self._t(
                    f"I'll generate your {seconds}-second video now. This may take a few minutes.",
                    f"我现在为你生成 {seconds} 秒的视频，可能需要几分钟。",
                )
            )
            args: dict[str, Any] = {"prompt": plan.label, "duration": seconds}
            if plan.image_url:
                args["image_url"] = plan.image_url
            await self._tool(
                "generate_video_with_seedance",
                args,
                self.settings.generation_seconds,
                self._add_video,
            )
            await self._say(
                self._t(
                    f"✅ Your {seconds}-second raw clip is ready: {plan.label}.",
                    f"✅ {seconds} 秒的原始片段已生成：{plan.label}。",
                )
            )
            title = _title_of(plan.label, plan.zh)
            half = self.settings.second_stage_seconds / 2
            await self._tool(
                "generate_music",
                {"mood": "warm", "duration": seconds},
                half,
                lambda: {"status": "ok", "track": "Warm Breeze"},
            )
            await self._tool(
                "edit_multitrack",
                {"op": "add_bgm_and_title", "title": title},
                half,
                lambda: self._add_post(title),
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
        finally:
            account.frozen -= cost

    async def _edit(self) -> None:
        plan = self.plan
        if not self.session.edit_charged:
            self.account.available -= self.settings.edit_cost
            self.session.edit_charged = True
        await self._tool(
            "edit_multitrack",
            {"op": plan.edit, "value": plan.value},
            self.settings.edit_seconds,
            self._apply_edit,
        )
        if self.world.chance(self.settings.silent_edit_rate):
            return  # the documented ~30 %: the edit lands, the stream says nothing
        await self._say(self._closing(self._edit_text()))
        await self._maybe_noise()

    def _closing(self, text: str) -> str:
        if self.world.chance(self.settings.gui_speak_rate):
            text += " " + self._t(
                "Click the Export button to download it.", "点击导出按钮即可下载。"
            )
        return text

    async def _maybe_noise(self) -> None:
        if self.world.chance(self.settings.trailing_issue_rate):
            await self._say("I encountered a temporary issue. Please try again.")

    def _edit_text(self) -> str:
        plan = self.plan
        if plan.edit == "title":
            return self._t(
                f'Title added: "{plan.value}" (white, top-center, fade-in).',
                f"已添加标题：“{plan.value}”（白色，顶部居中，淡入）。",
            )
        if plan.edit == "remove_title":
            return self._t("The title has been removed.", "标题已删除。")
        if plan.edit == "music":
            return self._t(
                f"Background music '{plan.value['name']}' added at {plan.value['volume']}% volume.",
                f"已添加背景音乐“{plan.value['name']}”，音量 {plan.value['volume']}%。",
            )
        if plan.edit == "volume":
            return self._t(
                f"Music volume set to {plan.value}%.", f"音乐音量已调整为 {plan.value}%。"
            )
        if plan.edit == "duration":
            return self._t(
                f"The video is now {plan.value:g} seconds long.",
                f"视频时长已改为 {plan.value:g} 秒。",
            )
        return self._t("Applied a cinematic colour grade to the clip.", "已为片段应用电影感调色。")

    # draft changes ---------------------------------------------------------------------------

    def _draft(self) -> dict[str, Any]:
        if self.session.draft is None:
            self.session.draft = {"t": [], "d": 0, "m": {"width": 1280, "height": 720}}
        return self.session.draft

    def _track(self, code: int) -> dict[str, Any] | None:
        return next((t for t in self._draft()["t"] if t.get("tt") == code), None)

    def _add_video(self) -> dict[str, Any]:
        plan = self.plan
        url = self.cdn(f"gen/{secrets.token_hex(6)}/clip.mp4")
        segment = {
            "id": "seg_" + secrets.token_hex(3),
            "st": 0,
            "d": plan.duration_ms,
            "n": plan.label,
            "src": url,
        }
        if plan.image_url:
            segment["img"] = plan.image_url
        draft = self._draft()
        draft["t"] = [t for t in draft["t"] if t.get("tt") != 0] + [{"tt": 0, "sg": [segment]}]
        draft["t"].sort(key=lambda t: {0: 0, 1: 1, 7: 2}.get(t.get("tt"), 3))
        draft["d"] = plan.duration_ms
        media = {"type": "video", "url": url, "duration": plan.duration_ms / 1000}
        self.session.generated_media.append(media)
        self.session.video_infos.append(
            {"url": url, "duration": plan.duration_ms / 1000, "width": 1280, "height": 720}
        )
        return {"status": "ok", "video_url": url}

    def _add_post(self, title: str) -> dict[str, Any]:
        draft = self._draft()
        duration = draft.get("d") or self.plan.duration_ms
        self._set_track(
            1,
            {
                "id": "seg_" + secrets.token_hex(3),
                "st": 0,
                "d": duration,
                "n": "Warm Breeze",
                "src": self.cdn("music/warm-breeze.mp3"),
                "vol": 35,
            },
        )
        self._set_track(
            7,
            {
                "id": "seg_" + secrets.token_hex(3),
                "st": 0,
                "d": min(3000, duration),
                "tx": title,
                "style": {"color": "white", "pos": "top-center", "anim": "fade-in"},
            },
        )
        draft.setdefault("m", {})["title"] = title
        return {"status": "ok"}

    def _set_track(self, code: int, segment: dict[str, Any]) -> None:
        draft = self._draft()
        draft["t"] = [t for t in draft["t"] if t.get("tt") != code] + [
            {"tt": code, "sg": [segment]}
        ]
        draft["t"].sort(key=lambda t: {0: 0, 1: 1, 7: 2}.get(t.get("tt"), 3))

    def _apply_edit(self) -> dict[str, Any]:
        plan = self.plan
        draft = self._draft()
        duration = draft.get("d") or 5000
        if plan.edit == "title":
            self._set_track(
                7,
                {
                    "id": "seg_" + secrets.token_hex(3),
                    "st": 0,
                    "d": min(3000, duration),
                    "tx": plan.value,
                    "style": {"color": "white", "pos": "top-center"},
                },
            )
            draft.setdefault("m", {})["title"] = plan.value
        elif plan.edit == "remove_title":
            draft["t"] = [t for t in draft["t"] if t.get("tt") != 7]
        elif plan.edit == "music":
            self._set_track(
                1,
                {
                    "id": "seg_" + secrets.token_hex(3),
                    "st": 0,
                    "d": duration,
                    "n": plan.value["name"],
                    "src": self.cdn("music/track.mp3"),
                    "vol": plan.value["volume"],
                },
            )
        elif plan.edit == "volume":
            track = self._track(1)
            if track and track.get("sg"):
                track["sg"][0]["vol"] = plan.value
        elif plan.edit == "duration":
            new = int(plan.value * 1000)
            draft["d"] = new
            for track in draft["t"]:
                for segment in track.get("sg", []):
                    if track.get("tt") in (0, 1):
                        segment["d"] = new
                    else:
                        segment["d"] = min(segment.get("d", new), new)
        else:
            video = self._track(0)
            if video and video.get("sg"):
                video["sg"][0].setdefault("style", {})["grade"] = plan.value
        return {"ok": True}
