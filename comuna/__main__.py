import sys

from comuna.cli import main

sys.exit(main())
