"""`python -m repdesk` runs the command line."""

import sys

from repdesk.cli import main

sys.exit(main())
