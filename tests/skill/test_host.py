"""Host detection: SKILL_SOURCE, then the install path, then the host's env markers."""

import json

import pytest

from agent.skill.host import detect_host

CASES = [
    ({}, ("/home/u/src/wan-22/agent",), "unknown", "terminal"),
    ({"SKILL_SOURCE": "custom"}, ("/home/u/.cursor/skills/wan-22",), "custom", "cursor"),
    ({}, ("/home/u/.clawhub/skills/wan-22/scripts",), "clawhub", "openclaw"),
    ({}, ("/home/u/.openclaw/workspace/skills/wan-22",), "clawhub", "openclaw"),
    ({}, ("/home/u/.cursor/skills/wan-22/scripts",), "cursor", "cursor"),
    ({}, ("/home/u/.claude/skills/wan-22",), "claude_code", "claude_code"),
    ({"OPENCLAW_SHELL": "exec"}, ("/opt/wan/agent",), "clawhub", "openclaw"),
    ({"CLAUDECODE": "1"}, ("/opt/wan/agent",), "claude_code", "claude_code"),
    ({"CURSOR_AGENT": "1"}, ("/opt/wan/agent",), "cursor", "cursor"),
    ({"CURSOR_TRACE_ID": "x"}, ("/opt/wan/agent",), "cursor", "cursor"),
    ({}, ("C:\\Users\\u\\.cursor\\skills\\wan-22",), "cursor", "cursor"),
]


@pytest.mark.parametrize(("env", "paths", "platform", "host"), CASES)
def test_detection_table(env, paths, platform, host):
    detected = detect_host(env, paths)
    assert (detected.platform, detected.name) == (platform, host)


def test_conversation_identity():
    context = json.dumps({"channel": "telegram", "chat_id": 42, "sender_id": "u7"})
    assert detect_host({"OPENCLAW_CHANNEL_CONTEXT": context}, ()).conversation == (
        "openclaw:telegram:42:u7"
    )
    assert detect_host({"CLAUDE_CODE_SESSION_ID": "abc"}, ()).conversation == "claude:abc"
    assert detect_host({"OPENCLAW_CHANNEL_CONTEXT": "{broken"}, ()).conversation is None
