"""The job ledger: durable records, duplicates refused, safe under concurrent processes."""

import json
import subprocess
import sys
import textwrap

from agent.jobs.ledger import FAILED, RUNNING, SUCCEEDED, Ledger
from agent.store.files import drain_recovered
from tests.support import ROOT


def test_create_get_update(tmp_path):
    ledger = Ledger(tmp_path)
    job, created = ledger.create("generation", {"text": "a fox"}, "fp1", "en", 1000.0)
    assert created and job.state == "queued" and not job.sent
    ledger.update(job.id, lambda j: setattr(j, "state", RUNNING))
    assert ledger.get(job.id).state == RUNNING
    assert [j.id for j in ledger.jobs()] == [job.id]


def test_identical_active_request_returns_the_running_job(tmp_path):
    ledger = Ledger(tmp_path)
    first, _ = ledger.create("generation", {"text": "a fox"}, "same", "en", 1.0)
    again, created = ledger.create("generation", {"text": "a fox"}, "same", "en", 2.0)
    assert not created and again.id == first.id
    ledger.update(first.id, lambda j: setattr(j, "state", SUCCEEDED))
    third, created = ledger.create("generation", {"text": "a fox"}, "same", "en", 3.0)
    assert created and third.id != first.id


def test_update_returning_false_skips_the_write(tmp_path):
    ledger = Ledger(tmp_path)
    job, _ = ledger.create("export", {}, "fp", "en", 1.0)
    before = ledger.path(job.id).stat().st_mtime_ns
    ledger.update(job.id, lambda j: False)
    assert ledger.path(job.id).stat().st_mtime_ns == before


def test_damaged_job_file_is_set_aside(tmp_path):
    ledger = Ledger(tmp_path)
    job, _ = ledger.create("edit", {}, "fp", "en", 1.0)
    ledger.path(job.id).write_text('{"id": 3}')
    assert ledger.get(job.id) is None
    assert ledger.jobs() == []
    assert list(ledger.root.glob("*.corrupt-*"))
    drain_recovered()


def test_journal_survives_a_cut_line(tmp_path):
    ledger = Ledger(tmp_path)
    job, _ = ledger.create("edit", {}, "fp", "en", 1.0)
    ledger.append_event(job.id, {"kind": "text", "text": "hi"})
    with ledger.journal_path(job.id).open("a") as handle:
        handle.write('{"kind": "tool_ca')
    assert ledger.events(job.id) == [{"kind": "text", "text": "hi"}]


WORKER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from agent.jobs.ledger import Ledger
    ledger = Ledger(Path(sys.argv[1]))
    job, created = ledger.create("generation", {"text": sys.argv[2]}, sys.argv[2], "en", 1.0)
    for n in range(20):
        ledger.update(job.id, lambda j: setattr(j, "progress", j.progress + 1))
    print(job.id, created)
    """
)


def run_concurrently(tmp_path, fingerprints):
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(tmp_path), fp],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for fp in fingerprints
    ]
    return [p.communicate(timeout=60)[0].split() for p in processes]


def test_ten_processes_leave_a_valid_complete_ledger(tmp_path):
    outputs = run_concurrently(tmp_path, [f"request-{n}" for n in range(10)])
    ledger = Ledger(tmp_path)
    jobs = ledger.jobs()
    assert len(jobs) == 10 and all(created == "True" for _, created in outputs)
    assert sorted(j.id for j in jobs) == sorted(job_id for job_id, _ in outputs)
    assert all(j.progress == 20 for j in jobs)
    for path in ledger.root.glob("job-*.json"):
        json.loads(path.read_text())


def test_ten_processes_with_the_same_request_create_one_job(tmp_path):
    outputs = run_concurrently(tmp_path, ["same request"] * 10)
    assert sum(created == "True" for _, created in outputs) == 1
    assert len({job_id for job_id, _ in outputs}) == 1
    (job,) = Ledger(tmp_path).jobs()
    assert job.progress == 200
    assert job.state not in (FAILED,)
