"""The backend's GUI-speak turned into actions: it assumes a GUI the user does not have.

"Click the Export button" → export through the API; "open the timeline panel" → show the
state; "preview in timeline" → a track summary; "drag the music to 2s" → send that edit to the
agent; "check your billing" → credits. The returned text keeps the content and drops the GUI
instructions (whole sentences, or the clause that gives the instruction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class GuiActionKind(StrEnum):
    EXPORT = "export"
    SHOW_STATE = "show_state"
    TRACK_SUMMARY = "track_summary"
    CREDITS = "credits"
    EDIT = "edit"
    CLICK = "click"


@dataclass(frozen=True)
class GuiAction:
    kind: GuiActionKind
    phrase: str
    edit_text: str | None = None


@dataclass(frozen=True)
class GuiTranslation:
    text: str
    actions: tuple[GuiAction, ...]


@dataclass(frozen=True)
class _Patterns:
    sentence: re.Pattern[str]
    instruction: re.Pattern[str]
    export: re.Pattern[str]
    credits: re.Pattern[str]
    open_panel: re.Pattern[str]
    preview: re.Pattern[str]
    drag: re.Pattern[str]
    click: re.Pattern[str]
    label: re.Pattern[str]
    gui_noun: re.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    """Compiled on first use only: most turns never see backend text."""
    i = re.IGNORECASE
    return _Patterns(
        sentence=re.compile(r"[^.!?。！？\n]+[.!?。！？]*\n?|\n"),
        instruction=re.compile(
            r"(?:\b(?:you can |simply |just |please |then |now )?"
            r"(?:click|tap|press|hit|select|drag|drop|open|preview|check|visit|go to|head to)\b"
            r"|点击|单击|按下|打开|拖拽|拖动|预览|前往|查看(?:账户|账单))",
            i,
        ),
        export=re.compile(r"export|download|导出|下载", i),
        credits=re.compile(
            r"\b(?:account|billing|credits?|balance|subscription)\b|账户|账单|充值|积分", i
        ),
        open_panel=re.compile(r"\bopen\b|打开", i),
        preview=re.compile(r"\bpreview\b|\btimeline\b|预览|时间线", i),
        drag=re.compile(r"\b(?:drag(?: and drop)?|drop)\b|拖拽|拖动", i),
        click=re.compile(r"\b(?:click|tap|press|hit|select)\b|点击|单击|按下", i),
        label=re.compile(
            r"[\"'“‘「](.+?)[\"'”’」]|\bthe ([A-Z][\w ]{1,30}?) (?:button|option|tab)"
        ),
        gui_noun=re.compile(
            r"\b(?:panel|tab|timeline|editor|menu|window|settings|sidebar|page|track)s?\b"
            r"|面板|时间线|编辑器|菜单|窗口|设置|页面|轨道",
            i,
        ),
    )


def translate_gui(text: str) -> GuiTranslation:
    """Split GUI instructions out of `text` into actions; keep everything else."""
    p = _patterns()
    kept: list[str] = []
    actions: list[GuiAction] = []
    for sentence in p.sentence.findall(text):
        match = p.instruction.search(sentence)
        if match is None:
            kept.append(sentence)
            continue
        action = _action(sentence, p)
        if action is None:  # "check out your new clip!" is not an instruction
            kept.append(sentence)
            continue
        actions.append(action)
        prefix = sentence[: match.start()].rstrip(" ,，;；:：-—")
        if _is_content(prefix):
            kept.append(prefix + _ending(sentence))
        elif sentence.endswith("\n"):
            kept.append("\n")
    cleaned = "".join(kept)
    cleaned = "\n".join(line.rstrip() for line in cleaned.splitlines())
    return GuiTranslation(cleaned.strip(), tuple(actions))


def _action(sentence: str, p: _Patterns) -> GuiAction | None:
    phrase = sentence.strip()
    if p.drag.search(sentence):
        return GuiAction(GuiActionKind.EDIT, phrase, _as_edit(sentence, p))
    if p.export.search(sentence) and (
        p.click.search(sentence) or "button" in sentence.lower() or "按钮" in sentence
    ):
        return GuiAction(GuiActionKind.EXPORT, phrase)
    if p.credits.search(sentence):
        return GuiAction(GuiActionKind.CREDITS, phrase)
    if p.open_panel.search(sentence) and p.gui_noun.search(sentence):
        return GuiAction(GuiActionKind.SHOW_STATE, phrase)
    if p.preview.search(sentence):
        return GuiAction(GuiActionKind.TRACK_SUMMARY, phrase)
    if p.export.search(sentence):
        return GuiAction(GuiActionKind.EXPORT, phrase)
    if p.click.search(sentence):
        label = p.label.search(sentence)
        name = next((g for g in label.groups() if g), None) if label else None
        return GuiAction(GuiActionKind.CLICK, phrase, name.strip() if name else None)
    return None


def _as_edit(sentence: str, p: _Patterns) -> str:
    """ "Drag the music clip to start at 2s" → "move the music clip to start at 2s"."""
    start = p.instruction.search(sentence)
    tail = sentence[start.start() :] if start else sentence
    tail = re.sub(r"^(?:you can |simply |just |please |then |now )", "", tail.strip(), flags=re.I)
    moved = p.drag.sub(
        lambda m: "移动" if m.group(0) in ("拖拽", "拖动") else "move", tail, count=1
    )
    return moved.strip().rstrip(".。!！")


def _is_content(prefix: str) -> bool:
    words = prefix.split()
    if any("\u4e00" <= ch <= "\u9fff" for ch in prefix):
        return sum(1 for ch in prefix if "\u4e00" <= ch <= "\u9fff") >= 4
    return len(words) >= 3


def _ending(sentence: str) -> str:
    stripped = sentence.rstrip("\n")
    mark = "。" if any("\u4e00" <= ch <= "\u9fff" for ch in stripped) else "."
    return mark + ("\n" if sentence.endswith("\n") else "")
