"""`python -m agent` runs the `wan22` command line."""

from agent.cli import main

raise SystemExit(main())
