"""`python -m generator` is `kb`."""

import sys

from generator.adapters.cli.main import main

sys.exit(main())
