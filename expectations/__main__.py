import sys

from expectations.cli import main

sys.exit(main())
