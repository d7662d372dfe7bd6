"""Every row of the utterance table through the real CLI: `wan22 turn --dry-run --json`."""

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from tests.support import FIXTURES, ROOT
from tests.support.cli import record

ROWS = [
    json.loads(line)
    for line in (FIXTURES / "utterances.jsonl").read_text(encoding="utf-8").splitlines()
    if line
]


def dry_run(row):
    argv = [sys.executable, "-m", "agent", "turn", "--dry-run", "--json"]
    for name in row["files"]:
        argv += ["--file", name]
    if "fallback" in row:
        argv += ["--lang", row["fallback"]]
    argv += ["--", row["text"]] if row["text"] else []
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    record(argv, done.stdout, done.stderr)
    return row, done


def test_every_row_through_the_cli(tmp_path):
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(dry_run, ROWS))
    failures = []
    for row, done in results:
        if done.returncode != 0:
            failures.append(f"{row['text']!r}: exit {done.returncode} {done.stderr.strip()}")
            continue
        got = json.loads(done.stdout)
        expected = (row["intent"], row["mode"], row["language"])
        if (got["intent"], got["mode"], got["language"]) != expected:
            failures.append(
                f"{row['text']!r}: {expected} != {(got['intent'], got['mode'], got['language'])}"
            )
    assert not failures, "\n".join(failures)


def test_dry_run_touches_no_disk(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "XDG_STATE_HOME": str(home / "s"),
        "XDG_CONFIG_HOME": str(home / "c"),
        "XDG_CACHE_HOME": str(home / "k"),
        "NEMO_API_URL": "http://127.0.0.1:9",
    }
    done = subprocess.run(
        [sys.executable, "-m", "agent", "turn", "--dry-run", "--json", "导出"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert json.loads(done.stdout)["intent"] == "export"
    assert list(home.iterdir()) == []
