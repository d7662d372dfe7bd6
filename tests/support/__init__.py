"""Helpers shared by the test suite: paths, fixture files, the sandbox and the CLI runner."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
