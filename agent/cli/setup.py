"""`wan22 install`, `uninstall` and `doctor`: setting the skill up, and checking the set-up."""

from __future__ import annotations

import argparse

from agent.cli.output import EXIT_FAILED, EXIT_OK, write_json, write_text
from agent.replies import render
from agent.settings import Settings

HOST_NAMES = {
    "openclaw": "OpenClaw",
    "clawhub": "OpenClaw (ClawHub)",
    "cursor": "Cursor",
    "claude": "Claude Code",
    "agents": "Agent Skills hosts",
}


def run_setup_command(args: argparse.Namespace, settings: Settings, language: str) -> int:
    if args.command == "doctor":
        return _doctor(args, settings, language)
    from agent.install.installer import install, uninstall
    from agent.install.roots import skills_root
    from agent.skill.manifest import locate_skill_file

    root = skills_root(
        args.host, settings.dirs.home, settings.env, global_=args.global_, directory=args.dir
    )
    if args.command == "install":
        result = install(root, locate_skill_file(dict(settings.env)))
        text = render(
            "install_done",
            language,
            changed=result.changed,
            host=args.host,
            host_name=HOST_NAMES[args.host],
            path=str(result.skill_dir),
            command=result.command,
        )
        data = {
            "ok": True,
            "text": text,
            "path": str(result.skill_dir),
            "changed": result.changed,
            "command": result.command,
        }
    else:
        removed = uninstall(root)
        text = render(
            "uninstall_done",
            language,
            path=str(removed) if removed else None,
            host=args.host,
            root=str(root.path),
        )
        data = {"ok": True, "text": text, "path": str(removed) if removed else None}
    if args.json:
        write_json(data)
    else:
        write_text(text)
    return EXIT_OK


def _doctor(args: argparse.Namespace, settings: Settings, language: str) -> int:
    from agent.install.doctor import run_checks

    checks = run_checks(settings)
    failed = sum(c.status == "fail" for c in checks)
    warned = sum(c.status == "warn" for c in checks)
    summary = render("doctor_summary", language, failed=failed, warned=warned)
    if args.json:
        write_json(
            {"ok": failed == 0, "checks": [c.to_json(language) for c in checks], "text": summary}
        )
    else:
        width = max(len(c.name) for c in checks)
        lines = [f"[{c.status.upper():>4}] {c.name:<{width}}  {c.detail(language)}" for c in checks]
        write_text("\n".join([*lines, "", summary]))
    return EXIT_FAILED if failed else EXIT_OK
