"""``python -m tensorspec.harness.mutation``: the self-check's command line."""
import sys

from tensorspec.harness.mutation.cli import main

sys.exit(main())
