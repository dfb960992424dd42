"""Run the team server: `python -m deploy.team [--check | stop]`."""

import sys

from deploy.team.cli import main

sys.exit(main())
