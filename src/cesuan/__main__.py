"""`python -m cesuan` runs the command line.

What it must not do: anything but call `cesuan.cli.main` and exit with its code.
"""

import sys

from cesuan.cli import main

sys.exit(main())
