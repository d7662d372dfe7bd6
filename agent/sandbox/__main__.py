"""`python -m agent.sandbox serve ...`, the same as `wan22 sandbox serve ...`."""

import sys

from agent.sandbox.cli import main

args = sys.argv[1:]
raise SystemExit(main(args[1:] if args[:1] == ["serve"] else args))
