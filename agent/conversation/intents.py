"""Routing an utterance (plus its attachments) to export, credits, status, upload, or the agent.

A command is a short request built of one command word and filler ("ok now export it please",
"帮我导出一下", "how many credits do I have left?"). Words that describe content — a topic
("a video about export trade"), a generation or edit verb ("generate a clip of a download
bar") — make it a message for the agent, whatever command words it contains. Attachments with
no words are an upload; with words, image-to-video when one is an image. Stdlib only, no regex:
this runs on every turn and must stay under a millisecond.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


class IntentKind:
    """The five routes (plain strings: `dataclasses`/`enum` would cost this path 9 ms)."""

    EXPORT = "export"
    CREDITS = "credits"
    STATUS = "status"
    UPLOAD = "upload"
    CHAT = "chat"


class Intent:
    """Where an utterance goes. A plain class: this module must import nothing heavy."""

    __slots__ = ("attachments", "kind", "mode", "reason", "text", "wants_generation")

    def __init__(
        self,
        kind: str,
        mode: str | None,
        text: str,
        attachments: tuple[str, ...],
        wants_generation: bool,
        reason: str,
    ) -> None:
        self.kind, self.mode, self.text = kind, mode, text
        self.attachments, self.wants_generation, self.reason = attachments, wants_generation, reason

    def _key(self) -> tuple[object, ...]:
        return (self.kind, self.mode, self.text, self.attachments, self.wants_generation)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Intent) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Intent(kind={self.kind!r}, mode={self.mode!r}, reason={self.reason!r})"


IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")

# English command words, and phrases that are commands as a whole.
EN_COMMANDS: dict[str, str] = {
    "export": IntentKind.EXPORT,
    "download": IntentKind.EXPORT,
    "save": IntentKind.EXPORT,
    "mp4": IntentKind.EXPORT,
    "credits": IntentKind.CREDITS,
    "credit": IntentKind.CREDITS,
    "balance": IntentKind.CREDITS,
    "quota": IntentKind.CREDITS,
    "status": IntentKind.STATUS,
    "progress": IntentKind.STATUS,
    "tracks": IntentKind.STATUS,
    "timeline": IntentKind.STATUS,
    "upload": IntentKind.UPLOAD,
    "link": IntentKind.EXPORT,
}
# Weak command words: a command only with nothing else to go on ("render it"); beside another
# command they are nouns ("the progress of my render"), beside a topic a prompt ("render a cat").
EN_WEAK_COMMANDS: dict[str, str] = {"render": IntentKind.EXPORT}
EN_PHRASES: tuple[tuple[str, str], ...] = (
    ("send me the video", IntentKind.EXPORT),
    ("send me the file", IntentKind.EXPORT),
    ("send the video", IntentKind.EXPORT),
    ("give me the video", IntentKind.EXPORT),
    ("give me the file", IntentKind.EXPORT),
    ("send it to me", IntentKind.EXPORT),
    ("send me", IntentKind.EXPORT),
    ("email me", IntentKind.EXPORT),
    ("need the video", IntentKind.EXPORT),
    ("have the video", IntentKind.EXPORT),
    ("get the video", IntentKind.EXPORT),
    ("status of", IntentKind.STATUS),
    ("progress of", IntentKind.STATUS),
    ("show tracks", IntentKind.STATUS),
    ("show the tracks", IntentKind.STATUS),
    ("is it done", IntentKind.STATUS),
    ("is it ready", IntentKind.STATUS),
    ("is it finished", IntentKind.STATUS),
    ("is it complete", IntentKind.STATUS),
    ("is the video ready", IntentKind.STATUS),
    ("is the video done", IntentKind.STATUS),
    ("is the video finished", IntentKind.STATUS),
    ("is my video ready", IntentKind.STATUS),
    ("is the job done", IntentKind.STATUS),
    ("is the job finished", IntentKind.STATUS),
    ("how is it going", IntentKind.STATUS),
    ("how's it going", IntentKind.STATUS),
    ("hows it going", IntentKind.STATUS),
    ("where is my video", IntentKind.STATUS),
    ("how long will", IntentKind.STATUS),
    ("how long until", IntentKind.STATUS),
    ("how long is the video", IntentKind.STATUS),
    ("how much longer", IntentKind.STATUS),
    ("what's happening", IntentKind.STATUS),
    ("whats happening", IntentKind.STATUS),
    ("top up", IntentKind.CREDITS),
    ("how many credits", IntentKind.CREDITS),
    ("how much credit", IntentKind.CREDITS),
)
# Phrases that are a command whole although they hold a content word (生成 = generate).
ZH_PHRASES: tuple[tuple[str, str], ...] = (
    ("生成好了", IntentKind.STATUS),
    ("生成完", IntentKind.STATUS),
    ("做好了没", IntentKind.STATUS),
    ("好了没", IntentKind.STATUS),
)
# Names for the video itself that hold a content word ("cut").
EN_FILLER_PHRASES = ("final cut", "final version", "finished video")
# Chinese command words, longest first so 保存视频 wins over 保存.
ZH_COMMANDS: tuple[tuple[str, str], ...] = (
    ("导出", IntentKind.EXPORT),
    ("下载", IntentKind.EXPORT),
    ("发给我", IntentKind.EXPORT),
    ("发我", IntentKind.EXPORT),
    ("发视频", IntentKind.EXPORT),
    ("发送", IntentKind.EXPORT),
    ("保存", IntentKind.EXPORT),
    ("积分", IntentKind.CREDITS),
    ("余额", IntentKind.CREDITS),
    ("额度", IntentKind.CREDITS),
    ("点数", IntentKind.CREDITS),
    ("充值", IntentKind.CREDITS),
    ("状态", IntentKind.STATUS),
    ("进度", IntentKind.STATUS),
    ("轨道", IntentKind.STATUS),
    ("时间线", IntentKind.STATUS),
    ("做好了吗", IntentKind.STATUS),
    ("完成了吗", IntentKind.STATUS),
    ("好了吗", IntentKind.STATUS),
    ("多久", IntentKind.STATUS),
    ("上传", IntentKind.UPLOAD),
    ("链接", IntentKind.EXPORT),
)
EN_FILLER = frozenset(
    [
        "please",
        "pls",
        "plz",
        "ok",
        "okay",
        "now",
        "just",
        "can",
        "could",
        "would",
        "will",
        "you",
        "i",
        "we",
        "want",
        "wanna",
        "to",
        "like",
        "me",
        "my",
        "mine",
        "the",
        "a",
        "an",
        "it",
        "its",
        "it's",
        "this",
        "that",
        "video",
        "clip",
        "file",
        "movie",
        "final",
        "current",
        "thanks",
        "thank",
        "for",
        "hey",
        "hi",
        "so",
        "then",
        "and",
        "let's",
        "lets",
        "let",
        "go",
        "ahead",
        "check",
        "show",
        "tell",
        "what",
        "what's",
        "whats",
        "is",
        "are",
        "how",
        "many",
        "much",
        "do",
        "does",
        "have",
        "has",
        "left",
        "remaining",
        "of",
        "our",
        "your",
        "again",
        "see",
        "view",
        "get",
        "give",
        "send",
        "where",
        "where's",
        "latest",
        "result",
        "here",
        "there",
        "all",
        "up",
        "out",
        "in",
        "on",
        "us",
        "yet",
        "done",
        "ready",
        "already",
        "any",
        "right",
        "quick",
        "quickly",
        "one",
        "more",
        "current",
        "there's",
        "i'd",
        "i'm",
        "would've",
        "kindly",
        "also",
        "as",
        "well",
        # What a command acts on, and how: never a topic on their own.
        "job",
        "jobs",
        "task",
        "take",
        "copy",
        "version",
        "format",
        "quality",
        "resolution",
        "hd",
        "high",
        "full",
        "vertical",
        "horizontal",
        "landscape",
        "portrait",
        "desktop",
        "folder",
        "computer",
        "phone",
        "url",
        "finished",
        "complete",
        "completed",
        "account",
        "project",
        "list",
        "over",
        "photo",
        "photos",
        "image",
        "images",
        "picture",
        "pictures",
        "share",
        "can't",
        "cant",
        "cannot",
    ]
)
ZH_FILLER = (
    "桌面",
    "高清",
    "版本",
    "竖屏",
    "横屏",
    "格式",
    "电脑",
    "手机",
    "一份",
    "重新",
    "任务",
    "账户",
    "账号",
    "信息",
    "本地",
    "项目",
    "没有",
    "没",
    "不够",
    "够",
    "请帮我",
    "帮我",
    "帮忙",
    "麻烦",
    "给我",
    "我要",
    "我想",
    "现在",
    "好的",
    "视频",
    "这个",
    "那个",
    "一下",
    "看看",
    "查看",
    "查询",
    "显示",
    "还剩",
    "剩余",
    "多少",
    "什么",
    "怎么样",
    "如何",
    "可以",
    "文件",
    "这张",
    "图片",
    "照片",
    "图",
    "成片",
    "最终",
    "谢谢",
    "我的",
    "还有",
    "一下子",
    "吧",
    "了",
    "呢",
    "吗",
    "啊",
    "呀",
    "的",
    "请",
    "把",
    "看",
    "查",
    "下",
    "剩",
    "是",
    "能",
    "你",
    "给",
    "发",
    "想",
    "要",
    "好",
    "个",
    "我",
    "它",
    "再",
    "都",
    "一",
    "有",
    "么",
    "在",
    "哪",
    "里",
    "到",
    "版",
    "还",
    "来",
)
# A topic or a verb that makes new content: the message is for the agent.
EN_CONTENT_MARKERS = frozenset(
    [
        "about",
        "of",
        "showing",
        "featuring",
        "depicting",
        "where",
        "generate",
        "create",
        "make",
        "produce",
        "animate",
        "film",
        "shoot",
        "edit",
        "add",
        "change",
        "turn",
        "remove",
        "replace",
        "trim",
        "cut",
        "speed",
        "slow",
        "zoom",
        "rotate",
        "style",
        "music",
        "title",
        "subtitle",
        "subtitles",
        "caption",
        "effect",
        "filter",
        "color",
        "colour",
        "background",
        "transition",
        "voiceover",
        "narration",
        "seconds",
        "second",
    ]
)
ZH_CONTENT_MARKERS = (
    "关于",
    "内容",
    "生成",
    "制作",
    "创建",
    "做一",
    "做个",
    "拍",
    "加",
    "添加",
    "改",
    "换",
    "删除",
    "去掉",
    "剪",
    "一段",
    "一只",
    "一个",
    "音乐",
    "标题",
    "字幕",
    "特效",
    "滤镜",
    "秒",
)
EN_GENERATION_VERBS = frozenset({"generate", "create", "produce", "animate", "film", "shoot"})
ZH_GENERATION_MARKERS = ("生成", "制作", "创建", "做一", "做个", "来一段", "拍一段", "拍一个")
# Any word that is neither filler nor a command makes it a prompt ("save the whales").
MAX_CONTENT_WORDS = 0


def normalise(text: str) -> str:
    """NFKC (full-width → ASCII), case-folded, punctuation → spaces, single spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    cleaned = "".join(ch if ch.isalnum() or ch in "'’" or ch.isspace() else " " for ch in folded)
    return " ".join(cleaned.replace("’", "'").split())


def route_utterance(text: str, attachments: Sequence[str] = ()) -> Intent:
    """Where an utterance goes; see the module docstring for the rules."""
    clean = " ".join(text.split())
    files = tuple(attachments)
    norm = normalise(text)
    command, reason = _command(norm)
    if files:
        if not norm or command == IntentKind.UPLOAD:
            return Intent(IntentKind.UPLOAD, None, clean, files, False, "files without a request")
        images = any(f.lower().endswith(IMAGE_SUFFIXES) for f in files)
        return Intent(
            IntentKind.CHAT,
            "i2v" if images else "media",
            clean,
            files,
            images or _wants_generation(norm),
            "files with a request",
        )
    if command is not None:
        return Intent(command, None, clean, files, False, reason)
    return Intent(IntentKind.CHAT, "t2v", clean, files, _wants_generation(norm), reason)


def _command(norm: str) -> tuple[str | None, str]:
    if not norm:
        return None, "empty"
    # Mixed words ("export视频", "帮我export一下") split where the script changes.
    latin = " ".join("".join(ch if ch.isascii() else " " for ch in norm).split())
    han = "".join(ch for ch in norm if not ch.isascii() and not ch.isspace())
    found: list[str] = []
    for phrase, kind in ZH_PHRASES:  # before the content check: 生成好了吗 asks, it does not make
        if phrase in han:
            found.append(kind)
            han = han.replace(phrase, "")
    if any(marker in han for marker in ZH_CONTENT_MARKERS):
        return None, "chinese content words"
    padded = f" {latin} "
    for phrase in EN_FILLER_PHRASES:
        padded = padded.replace(f" {phrase} ", " ")
    for phrase, kind in EN_PHRASES:
        if f" {phrase} " in padded:
            found.append(kind)
            padded = padded.replace(f" {phrase} ", " ")
    content_words = 0
    weak: list[str] = []
    for word in padded.split():
        if word in EN_COMMANDS:
            found.append(EN_COMMANDS[word])
        elif word in EN_WEAK_COMMANDS:
            weak.append(EN_WEAK_COMMANDS[word])
        elif word in EN_CONTENT_MARKERS:
            return None, f"content word {word!r}"
        elif word not in EN_FILLER and not _is_measure(word):
            content_words += 1
    for keyword, kind in ZH_COMMANDS:
        if keyword in han:
            found.append(kind)
            han = han.replace(keyword, "")
    for filler in ZH_FILLER:
        han = han.replace(filler, "")
    content_words += (len(han) + 1) // 2
    if weak and not found and content_words == 0:
        found = weak
    kinds = set(found)
    if len(kinds) != 1:
        return None, "no single command" if not kinds else "several commands"
    if content_words > MAX_CONTENT_WORDS:
        return None, f"{content_words} content words"
    (kind,) = kinds
    return kind, f"command {kind}"


def _wants_generation(norm: str) -> bool:
    words = norm.split()
    if any(w in EN_GENERATION_VERBS for w in words):
        return True
    for index, word in enumerate(words):
        following = words[index + 1 : index + 3]
        if word == "make" and any(
            w in ("a", "an", "me", "another", "new", "some") for w in following
        ):
            return True
        if word in ("video", "clip", "animation") and following[:1] in (
            ["of"],
            ["about"],
            ["showing"],
        ):
            return True
    return any(marker in norm for marker in ZH_GENERATION_MARKERS)


def _is_measure(word: str) -> bool:
    letters = sum(c.isalpha() for c in word)
    return letters == 0 or (letters <= 2 and any(c.isdigit() for c in word))
