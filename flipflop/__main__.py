"""`python -m flipflop`: the same CLI as the `flipflop` command."""

import sys

from flipflop.cli import main

sys.exit(main())
