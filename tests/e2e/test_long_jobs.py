"""Long jobs across turns: a durable ledger, a detached worker, idempotent status and result.

The sandbox is slowed down so a generation outlasts the turn; time in the client is scaled with
WAN22_TIME_SCALE (documented waits shrink), so these scenarios take seconds, not minutes.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.support.cli import isolated_env, run_wan22
from tests.support.media import probe_video

PROMPT = "Generate a 4-second video of a lighthouse in a storm"


def wait_until(predicate, timeout: float = 60.0, every: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("condition not met in time")


def jobs(home: Path) -> list[dict]:
    root = home / ".local" / "state" / "wan22" / "projects"
    return [json.loads(p.read_text()) for p in sorted(root.glob("*/jobs/job-*.json"))]


def sends(sandbox, start: int, text: str) -> int:
    return sum(
        1
        for e in sandbox.log_entries()[start:]
        if e["path"] == "/run_sse" and e.get("accepted") and text in (e.get("message") or "")
    )


def test_turn_returns_running_then_reports_progress_and_result_once(env, sandbox):
    sandbox.configure(generation_seconds=9.0, second_stage_seconds=2.0)
    first = run_wan22(env, "turn", "--json", "--wait", "2", PROMPT)
    reply = first.json
    assert first.code == 0
    assert reply["job"]["state"] in ("queued", "running")
    job_id = reply["job"]["id"]
    assert job_id in reply["text"]

    second = run_wan22(env, "status", "--json").json
    assert second["job"]["id"] == job_id and second["job"]["state"] == "running"
    assert "%" in second["text"] or "min" in second["text"]

    def finished():
        result = run_wan22(env, "turn", "--json", "--wait", "0", "status")
        return result if job_id in result.json["reported_jobs"] else None

    done = wait_until(finished, timeout=90)
    assert done.json["text"].count("Timeline (") == 1, "the report's timeline is not repeated"
    again = run_wan22(env, "turn", "--json", "--wait", "0", "credits")
    assert "Timeline" not in again.json["text"], "a finished job is reported once"

    result1 = run_wan22(env, "result", "--json", job_id)
    result2 = run_wan22(env, "result", "--json", job_id)
    assert result1.code == result2.code == 0
    assert result1.json["text"] == result2.json["text"]
    assert result1.json["job"]["state"] == "succeeded"


def test_a_running_reply_says_what_started_then_what_is_ready_then_where_it_stands(env, sandbox):
    sandbox.configure(generation_seconds=1.0, second_stage_seconds=30.0)
    reply = run_wan22(env, "turn", "--json", "--wait", "8", PROMPT).json
    assert reply["job"]["state"] == "running", reply
    text = reply["text"]
    started, ready = text.find("Generating your video"), text.find("raw clip is ready")
    progress = text.find(reply["job"]["id"])
    assert -1 < started < ready < progress, text


def test_killed_worker_loses_nothing_and_never_resends(env, sandbox, home):
    sandbox.configure(generation_seconds=6.0)
    start = len(sandbox.log_entries())
    first = run_wan22(env, "turn", "--json", "--wait", "1", PROMPT).json
    job_id = first["job"]["id"]
    worker_pid = wait_until(
        lambda: next(
            (j.get("worker_pid") for j in jobs(home) if j["id"] == job_id and j.get("sent_at")),
            None,
        )
    )
    os.kill(worker_pid, signal.SIGKILL)

    def recovered():
        reply = run_wan22(env, "status", "--json").json
        job = next(j for j in jobs(home) if j["id"] == job_id)
        return reply if job["state"] == "succeeded" else None

    wait_until(recovered, timeout=120, every=1.0)
    assert sends(sandbox, start, "lighthouse") == 1
    final = run_wan22(env, "result", "--json", job_id).json
    assert final["job"]["state"] == "succeeded"
    assert "Timeline" in final["text"] or "✅" in final["text"]


def test_same_request_while_running_returns_the_running_job(env, sandbox):
    sandbox.configure(generation_seconds=5.0)
    start = len(sandbox.log_entries())
    first = run_wan22(env, "turn", "--json", "--wait", "0", PROMPT).json
    second = run_wan22(env, "turn", "--json", "--wait", "0", PROMPT).json
    assert second["job"]["id"] == first["job"]["id"]
    assert "twice" in second["text"] or "already" in second["text"]
    wait_until(
        lambda: (
            run_wan22(env, "result", "--json", first["job"]["id"]).json["job"]["state"]
            == "succeeded"
        ),
        60,
    )
    assert sends(sandbox, start, "lighthouse") == 1


def test_ten_concurrent_turns_leave_a_complete_ledger(env, sandbox, home):
    sandbox.configure(generation_seconds=1.0, edit_seconds=0.3)
    run_wan22(env, "credits", "--json")
    prompts = [f"Generate a 4-second video of lantern number {n}" for n in range(10)]
    with ThreadPoolExecutor(10) as pool:
        results = list(
            pool.map(lambda p: run_wan22(env, "turn", "--json", "--wait", "0", p), prompts)
        )
    assert all(r.code == 0 for r in results), [r.stdout for r in results]
    ids = {r.json["job"]["id"] for r in results}
    assert len(ids) == 10
    wait_until(
        lambda: (
            all(j["state"] in ("succeeded", "failed") for j in jobs(home)) and len(jobs(home)) == 10
        ),
        180,
        1.0,
    )
    recorded = {j["id"] for j in jobs(home)}
    assert recorded == ids
    sessions = {j["session_id"] for j in jobs(home)}
    assert len(sessions) == 1, "one project, one backend session"


def test_two_projects_stay_apart(env, sandbox, home):
    def turn(project, text):
        return run_wan22(env, "turn", "--json", "--wait", "60", "--project", project, text)

    with ThreadPoolExecutor(2) as pool:
        a, b = pool.map(
            lambda args: turn(*args),
            [
                ("alpha", "Generate a 4-second video of a red kite"),
                ("beta", "Generate a 6-second video of a blue whale"),
            ],
        )
    assert a.json["job"]["state"] == b.json["job"]["state"] == "succeeded"
    status_a = run_wan22(env, "status", "--json", "--project", "alpha").json["text"]
    status_b = run_wan22(env, "status", "--json", "--project", "beta").json["text"]
    assert "kite" in status_a and "whale" not in status_a
    assert "whale" in status_b and "kite" not in status_b
    projects = home / ".local" / "state" / "wan22" / "projects"
    sessions = {
        json.loads(p.read_text())["sessions"][env["NEMO_API_URL"]]["session_id"]
        for p in projects.glob("*/project.json")
    }
    assert len(sessions) == 2


def test_cut_download_resumes_byte_identical_and_failed_render_gets_a_new_id(env, sandbox, home):
    assert (
        run_wan22(env, "turn", "--json", "--wait", "60", PROMPT).json["job"]["state"] == "succeeded"
    )
    start = len(sandbox.log_entries())
    sandbox.faults(
        {
            "path": "/api/render/proxy/lambda",
            "method": "POST",
            "kind": "render_fail",
            "nth": 1,
            "times": 1,
        },
        {
            "path": "/render-result/",
            "method": "GET",
            "kind": "cut_download",
            "nth": 1,
            "times": 1,
            "fraction": 0.5,
        },
    )
    export = run_wan22(env, "export", "--json", "--wait", "90")
    assert export.code == 0, export.stdout
    (media,) = export.json["media"]
    path = Path(media["path"])
    entries = sandbox.log_entries()[start:]
    submits = [
        e for e in entries if e["path"] == "/api/render/proxy/lambda" and e["method"] == "POST"
    ]
    render_ids = [e.get("render_id") for e in submits]
    assert len(submits) == 2 and len(set(render_ids)) == 2, render_ids
    downloads = [e for e in entries if e["path"].startswith("/render-result/")]
    assert any(e.get("range") for e in downloads), "the second request resumed with Range"
    import httpx

    original = httpx.get(media["url"]).content
    assert path.read_bytes() == original
    assert abs(probe_video(path).duration - 4.0) <= 0.2


def test_chat_in_a_terminal_shows_progress_and_the_reply(env, sandbox):
    import pexpect

    sandbox.configure(generation_seconds=3.0)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "agent", "chat"],
        env={**env, "WAN22_TIME_SCALE": "0.02"},
        cwd=str(Path(__file__).resolve().parents[2]),
        encoding="utf-8",
        timeout=90,
    )
    child.expect("you> ")
    child.sendline("Generate a 4-second video of a hot air balloon at dawn")
    child.expect(["Generating", "生成中"])
    child.expect("Timeline")
    child.expect("you> ")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    from tests.support.cli import record

    record(["wan22", "chat"], child.before or "", "")


def test_projects_do_not_leak_between_homes(sandbox, tmp_path):
    a = isolated_env(tmp_path / "a", sandbox.url)
    b = isolated_env(tmp_path / "b", sandbox.url)
    for env_ in (a, b):
        Path(env_["HOME"]).mkdir()
    run_wan22(a, "turn", "--json", "--wait", "60", "Generate a 4-second video of a green parrot")
    status_b = run_wan22(b, "status", "--json").json["text"]
    assert "parrot" not in status_b
    counts = Counter(e["path"] for e in sandbox.log_entries())
    assert counts["/api/auth/anonymous-token"] >= 2


def test_ctrl_c_in_chat_stops_waiting_not_the_job(env, sandbox, home):
    import pexpect

    sandbox.configure(generation_seconds=4.0)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "agent", "chat"],
        env=env,
        cwd=str(Path(__file__).resolve().parents[2]),
        encoding="utf-8",
        timeout=90,
    )
    child.expect("you> ")
    child.sendline("Generate a 4-second video of a kite over a beach")
    child.expect(["Generating", "生成中"])
    child.sendintr()
    child.expect("Stopped waiting")
    child.expect("you> ")
    job_id = jobs(home)[-1]["id"]
    wait_until(lambda: next(j for j in jobs(home) if j["id"] == job_id)["state"] == "succeeded", 60)
    child.sendline("status")
    child.expect("Timeline")
    child.expect("you> ")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    from tests.support.cli import record

    record(["wan22", "chat"], child.before or "", "")
