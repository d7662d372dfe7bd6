"""The sandbox under test: one server for the whole run, its settings reset around each test."""

from __future__ import annotations

import pytest

from tests.sandbox.harness import TEST_SETTINGS, Harness, ServerProcess


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory):
    workdir = tmp_path_factory.mktemp("sandbox-under-test")
    process = ServerProcess(
        workdir,
        "--data-dir",
        str(workdir / "data"),
        "--credits",
        "1000",
        "--set",
        "generation_seconds=0.4",
    )
    yield process
    process.stop()


@pytest.fixture(scope="session")
def harness(server: ServerProcess):
    harness = Harness(server)
    yield harness
    harness.http.close()
    harness.admin.close()


@pytest.fixture
def sb(harness: Harness):
    """The shared sandbox with the test settings; what a test changes is undone after it."""
    harness.configure(**TEST_SETTINGS)
    harness.admin.delete("/_sandbox/faults").raise_for_status()
    yield harness
    harness.admin.delete("/_sandbox/faults").raise_for_status()
