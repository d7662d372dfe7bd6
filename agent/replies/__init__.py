"""Every sentence the user reads, rendered from jinja2 templates per language.

Templates live in `templates/<lang>/<key>.j2` (English `en`, Simplified Chinese `zh`). Outside
text (the user's words, the backend's replies) only ever enters as a template *variable*, never as
template source. Other languages fall back to English.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

TEMPLATE_ROOT = Path(__file__).with_name("templates")
TEMPLATE_LANGUAGES = ("en", "zh")


def template_language(language: str | None) -> str:
    """The template set for a language code: `zh*` → `zh`, everything else → `en`."""
    if language and language.lower().startswith("zh"):
        return "zh"
    return "en"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_ROOT)),
        autoescape=False,  # noqa: S701 -- plain text for chat and terminals, not HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
    )


def render(key: str, language: str | None, **context: Any) -> str:
    """Render the template `key` in the user's language; the result has no trailing newline."""
    lang = template_language(language)
    template = _environment().get_template(f"{lang}/{key}.j2")
    return template.render(**context).strip()


def template_keys() -> dict[str, set[str]]:
    """Every template key per language (for tests that render them all)."""
    return {
        lang: {p.stem for p in (TEMPLATE_ROOT / lang).glob("*.j2")} for lang in TEMPLATE_LANGUAGES
    }
