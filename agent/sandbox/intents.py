"""What the scripted agent makes of one message: ask a question, generate a clip, or edit the
draft (music, title, title removal, length, volume, style), in English or Chinese. Pure text in,
a `Plan` out; nothing here touches the session."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

URL = re.compile(r"\(?\s*(?:uploaded (?:image|file|video)\s*:?\s*)?https?://\S+?\)?(?=\s|$)", re.I)
ZH_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
}
ZH_DIGITS |= {"九": 9}
SECONDS = re.compile(
    r"(\d+(?:\.\d+)?)\s*-?\s*(?:seconds?|secs?|s)\b"
    r"|(\d+(?:\.\d+)?|[零一二两三四五六七八九十]+)\s*秒",
    re.I,
)
PERCENT = re.compile(r"(\d{1,3})\s*%")
GENERATION_WORDS = re.compile(
    r"\b(generate|create|produce|animate|film|shoot"
    r"|(video|clip|movie|animation) (of|about|showing))\b"
    r"|make (me )?(a|an|another|one) |生成|制作|创建|做一|做个|拍一|拍个|来一段|来个",
    re.I,
)
FILLER_EN = re.compile(
    r"\b(please|pls|can|could|would|will|you|i|we|want|need|like|let's|lets|me|us|a|an|the|some|"
    r"new|another|for|to|just|one|short|quick|nice|cool|make|create|generate|produce|do|give|"
    r"render|video|videos|clip|clips|movie|film|something|it|now|thanks|thank|hi|hello|hey)\b",
    re.I,
)
FILLER_ZH = re.compile(
    r"帮我|给我|我想要|我想|我要|请|来|做|生成|制作|创建|一个|一段|一条|个|段|条|视频|短片|影片"
    r"|吧|的|呢|一下|吗"
)
REMOVE_WORDS = re.compile(
    r"\b(remove|delete|drop|get rid of|without|no more|take (off|out))\b|删除|去掉|移除|删掉|不要",
    re.I,
)
MUSIC_WORDS = re.compile(r"\b(music|bgm|soundtrack|song|tune|score)\b|音乐|配乐|背景乐|歌", re.I)
LENGTH_WORDS = re.compile(
    r"\b(make it|change it|set it|longer|shorter|trim|extend|cut it|length|duration)\b"
    r"|改成|改为|变成|调成|延长|缩短|时长",
    re.I,
)
STYLE_WORDS = re.compile(
    r"\b(colou?r|grade|grading|filter|cinematic|brighter|darker|warmer|cooler|vintage|"
    r"transition|effect|slow motion)\b|调色|滤镜|转场|特效|慢动作|亮一点|暗一点",
    re.I,
)
GENRES = {
    "lo-fi": "Lo-fi",
    "lofi": "Lo-fi",
    "piano": "Soft Piano",
    "jazz": "Jazz Café",
    "rock": "Rock Drive",
    "ambient": "Ambient Drift",
    "electronic": "Neon Pulse",
    "epic": "Epic Rise",
    "钢琴": "钢琴曲",
    "爵士": "爵士乐",
    "摇滚": "摇滚",
}
STOP_WORDS = re.compile(
    r"a|an|the|of|in|on|at|with|through|down|up|to|and|for|from|by|into|over|under|is|are", re.I
)
QUOTES = (("'", "'"), ('"', '"'), ("“", "”"), ("「", "」"), ("‘", "’"), ("《", "》"), ("『", "』"))
DEFAULT_SECONDS = 5.0


@dataclass
class Plan:
    kind: str  # question, generation, edit
    zh: bool = False
    duration_ms: int = 5000
    label: str = ""
    image_url: str | None = None
    edit: str = ""  # music, title, remove_title, duration, volume, style
    value: Any = None


def plan_reply(text: str, has_video: bool, image_urls: list[str]) -> Plan:
    """The agent's plan for `text`. `image_urls` are the session's uploaded images: naming one
    in the message asks for image-to-video."""
    zh = any("\u4e00" <= ch <= "\u9fff" for ch in text)
    image = next((url for url in image_urls if url in text), None)
    words = URL.sub(" ", text).strip()
    edit = edit_of(words) if has_video else None
    if image is None and edit is None and is_content_free(words):
        return Plan("question", zh=zh)
    wants_new = bool(GENERATION_WORDS.search(words)) and edit is None
    if image is not None or not has_video or wants_new:
        seconds = parse_seconds(words) or DEFAULT_SECONDS
        return Plan(
            "generation",
            zh=zh,
            duration_ms=int(seconds * 1000),
            label=label_of(words) or ("图片动画" if zh else "animated photo"),
            image_url=image,
        )
    kind, value = edit if edit is not None else ("style", "cinematic")
    return Plan("edit", zh=zh, edit=kind, value=value)


def is_content_free(text: str) -> bool:
    """A request with nothing to go on ("make a video", "做个视频"): only filler and a length."""
    rest = SECONDS.sub(" ", text)
    rest = FILLER_ZH.sub(" ", FILLER_EN.sub(" ", rest))
    return not any(ch.isalnum() for ch in rest)


def edit_of(text: str) -> tuple[str, Any] | None:
    lowered = text.lower()
    titled = "title" in lowered or "标题" in text
    if titled and REMOVE_WORDS.search(text):
        return "remove_title", None
    if titled:
        return "title", quoted(text) or _title_words(text) or "Untitled"
    if "volume" in lowered or "音量" in text:
        return "volume", parse_percent(text) or 50
    if MUSIC_WORDS.search(text):
        genre = next((name for key, name in GENRES.items() if key in lowered), None)
        return "music", {"name": genre or "Warm Breeze", "volume": parse_percent(text) or 35}
    seconds = parse_seconds(text)
    if seconds and LENGTH_WORDS.search(text):
        return "duration", seconds
    if STYLE_WORDS.search(text):
        return "style", "cinematic"
    return None


def parse_seconds(text: str) -> float | None:
    """`4-second`, `4s`, `4 sec`, `4 秒`, `8秒`, `五秒`; None when the text names no length."""
    for match in SECONDS.finditer(text):
        raw = match.group(1) or match.group(2)
        value = float(raw) if raw[0].isdigit() else _zh_number(raw)
        if value is not None and 1 <= value <= 60:
            return value
    return None


def parse_percent(text: str) -> int | None:
    match = PERCENT.search(text)
    return min(int(match.group(1)), 100) if match else None


def quoted(text: str) -> str | None:
    for left, right in QUOTES:
        start = text.find(left)
        end = text.find(right, start + 1)
        if start != -1 and end > start + 1:
            return text[start + 1 : end].strip()
    return None


def label_of(text: str) -> str:
    """What the clip shows: the words after "of"/"about"/"showing", or after a comma, without
    the asked length."""
    text = " ".join(SECONDS.sub(" ", text).split())
    lowered = text.lower()
    for marker in (" of ", " about ", " showing ", " with "):
        index = lowered.find(marker)
        if index != -1:
            return text[index + len(marker) :].strip(" .,!?")[:70]
    for marker in ("，", ",", "：", ":"):
        if marker in text:
            return text.split(marker, 1)[1].strip(" 。！.!")[:40]
    return " ".join(GENERATION_WORDS.sub(" ", text).split()).strip(" .!?。！")[:70]


def title_of(label: str, zh: bool) -> str:
    """A short title for a clip, as post-production would add it."""
    if zh:
        return label[:6] or "我的视频"
    words = [w for w in re.split(r"[\s,]+", label) if w and not STOP_WORDS.fullmatch(w)]
    return " ".join(w.capitalize() for w in words[:3]) or "My Video"


def _title_words(text: str) -> str | None:
    match = re.search(r"title\s*(?:saying|called|that says|:)?\s*(.+)$", text, re.I)
    if match is None:
        return None
    return match.group(1).strip(" .!?") or None


def _zh_number(raw: str) -> float | None:
    """Chinese numerals up to 99 (五, 十五, 二十)."""
    if "十" not in raw:
        return float(ZH_DIGITS[raw]) if len(raw) == 1 and raw in ZH_DIGITS else None
    tens, _, ones = raw.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    high = ZH_DIGITS.get(tens, -1) if tens else 1
    low = ZH_DIGITS.get(ones, -1) if ones else 0
    return float(high * 10 + low) if high >= 0 and low >= 0 else None
