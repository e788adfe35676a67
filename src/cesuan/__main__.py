"""`python -m cesuan` runs the command line."""

import sys

from cesuan.cli import main

sys.exit(main())
