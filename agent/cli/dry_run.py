"""`wan22 turn --dry-run`: route and detect the language, with no network and no disk.

Kept apart from argparse and the runtime so it starts in a few milliseconds: hosts and tests
call it to see where an utterance would go.
"""

from __future__ import annotations

import json
import sys

from agent.cli.output import EXIT_OK, EXIT_USAGE, write_err_template

_VALUE_FLAGS = frozenset({"--file", "--wait", "--lang", "--project"})
_BARE_FLAGS = frozenset({"--dry-run", "--json", "--sandbox"})


def dry_run(argv: list[str]) -> int:
    words: list[str] = []
    files: list[str] = []
    as_json = False
    fallback: str | None = None
    index = 0
    while index < len(argv):
        arg = argv[index]
        name, eq, inline = arg.partition("=")
        if name in _VALUE_FLAGS:
            if eq:
                value = inline
            elif index + 1 < len(argv):
                index += 1
                value = argv[index]
            else:
                write_err_template("usage_error", problem="needs_value", flag=name)
                return EXIT_USAGE
            if name == "--file":
                files.append(value)
            elif name == "--lang":
                fallback = value
        elif arg == "--json":
            as_json = True
        elif arg == "--":
            words.extend(argv[index + 1 :])
            break
        elif arg not in _BARE_FLAGS:
            words.append(arg)
        index += 1
    if not words and not files:
        write_err_template("usage_error", problem="needs_message")
        return EXIT_USAGE
    from agent.conversation.intents import route_utterance
    from agent.conversation.language import detect_language

    text = " ".join(words)
    intent = route_utterance(text, files)
    guess = detect_language(text, fallback)
    result = {
        "ok": True,
        "dry_run": True,
        "intent": str(intent.kind),
        "mode": intent.mode,
        "language": guess.code,
        "language_decided": guess.decided,
        "wants_generation": intent.wants_generation,
        "attachments": list(intent.attachments),
    }
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(
            f"intent={result['intent']} mode={result['mode'] or '-'} language={guess.code}\n"
        )
    return EXIT_OK
