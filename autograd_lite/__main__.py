"""`python -m autograd_lite`: the autograd-lite command."""

from autograd_lite.cli import main

raise SystemExit(main())
