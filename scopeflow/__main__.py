"""`python -m scopeflow ...`: the `scopeflow` command."""

from scopeflow.cli import main

raise SystemExit(main())
