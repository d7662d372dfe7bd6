"""The language of one utterance: a script check first, langdetect only when it cannot decide.

Measured on chat-length text (research/langdetect.md): libraries alone are wrong on short
Chinese and one-word English, and langdetect costs about a second to load. So: kana → ja,
hangul → ko, Cyrillic → ru, Han against Latin letters at least 1:4 → zh-CN (the Chinese carries
the grammar of "帮我 generate 一个 video"); up to two Latin words →
English; only longer Latin text goes to langdetect (seeded, loaded lazily) and its answer is kept
only when it is a supported language. Undecidable turns ("ok", "4s", 🎬) keep the fallback.
"""

from __future__ import annotations

SUPPORTED_LATIN = frozenset({"en", "es", "fr", "de", "pt", "it", "nl", "id", "vi", "tr", "pl"})
# Latin words that mark English even in a 3+ word utterance (saves the langdetect load).
ENGLISH_MARKERS = frozenset(
    [
        "the",
        "an",
        "of",
        "to",
        "and",
        "with",
        "for",
        "is",
        "are",
        "it",
        "it's",
        "this",
        "that",
        "my",
        "me",
        "please",
        "make",
        "add",
        "show",
        "can",
        "you",
        "what",
        "how",
        "generate",
        "create",
        "export",
        "download",
        "title",
        "into",
        "from",
        "about",
        "some",
        "give",
        "want",
        "would",
        "could",
        "let",
        "change",
        "remove",
        "put",
        "i'd",
        "i'm",
        "don't",
    ]
)


# Replies that carry no language: they keep the conversation's language.
NEUTRAL_WORDS = frozenset(
    [
        "ok",
        "okay",
        "k",
        "kk",
        "yes",
        "no",
        "yep",
        "nope",
        "yeah",
        "sure",
        "fine",
        "thanks",
        "thx",
        "ty",
        "hi",
        "hey",
        "lol",
        "go",
        "done",
        "y",
        "n",
        "s",
        "a",
        "b",
        "c",
        "d",
        "1080p",
        "720p",
        "4k",
        "hd",
        "mp4",
        "gif",
    ]
)


class LanguageGuess:
    """A language code, and whether the text decided it (False: the fallback was kept)."""

    __slots__ = ("code", "decided")

    def __init__(self, code: str, decided: bool) -> None:
        self.code, self.decided = code, decided

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LanguageGuess) and (self.code, self.decided) == (
            other.code,
            other.decided,
        )

    def __hash__(self) -> int:
        return hash((self.code, self.decided))

    def __repr__(self) -> str:
        return f"LanguageGuess(code={self.code!r}, decided={self.decided})"


def detect_language(text: str, fallback: str | None = None) -> LanguageGuess:
    """The language of `text`; `decided` is False when it fell back."""
    han = kana = hangul = cyrillic = latin = 0
    words = 0
    ascii_words: list[str] = []
    for token in text.split():
        if _is_url_or_path(token):
            continue
        words += 1
        word_latin = 0
        for ch in token:
            code = ord(ch)
            if code < 0x80:
                if ch.isalpha():
                    word_latin += 1
            elif 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
                han += 1
            elif 0x3040 <= code <= 0x30FF:
                kana += 1
            elif 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
                hangul += 1
            elif 0x0400 <= code <= 0x04FF:
                cyrillic += 1
            elif 0xFF21 <= code <= 0xFF5A or ch.isalpha():  # full-width Latin letters
                word_latin += 1
        latin += word_latin
        if word_latin and word_latin == sum(1 for c in token if c.isalpha()):
            ascii_words.append(token.strip(".,!?;:'\"()[]").lower())
    if kana:
        return LanguageGuess("ja", True)
    if hangul and hangul >= han:
        return LanguageGuess("ko", True)
    if han and han * 4 >= latin:
        return LanguageGuess("zh-CN", True)
    if cyrillic and cyrillic >= latin:
        return LanguageGuess("ru", True)
    letter_words = [w for w in ascii_words if not _is_measure(w)]
    if not letter_words or all(w in NEUTRAL_WORDS for w in letter_words):
        return _fallback(fallback)
    if len(letter_words) <= 2 or any(w in ENGLISH_MARKERS for w in letter_words):
        return LanguageGuess("en", True)
    return _library_guess(text, fallback)


def _is_measure(word: str) -> bool:
    """`4s`, `16:9`, `1080p`, `8k`: numbers with a unit say nothing about the language."""
    letters = sum(c.isalpha() for c in word)
    return letters == 0 or (letters <= 2 and any(c.isdigit() for c in word))


def _fallback(fallback: str | None) -> LanguageGuess:
    return LanguageGuess(fallback or "en", False)


def _library_guess(text: str, fallback: str | None) -> LanguageGuess:
    """langdetect for 3+ word Latin text with no English marker: rare, so its load is rare."""
    try:
        from langdetect import DetectorFactory, detect
        from langdetect.lang_detect_exception import LangDetectException
    except ImportError:
        return LanguageGuess("en", True)
    DetectorFactory.seed = 0
    try:
        code = detect(text)
    except LangDetectException:
        return _fallback(fallback)
    if code in SUPPORTED_LATIN:
        return LanguageGuess(code, True)
    return LanguageGuess("en", True)


def _is_url_or_path(token: str) -> bool:
    return (
        "://" in token
        or token.startswith(("/", "./", "~/", "www."))
        or ("/" in token and "." in token.rsplit("/", 1)[-1])
    )
