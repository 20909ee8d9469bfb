"""`python -m media_processing.engine`: see `cli.py`."""

import sys

from .cli import main

sys.exit(main())
