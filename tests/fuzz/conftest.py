"""Fuzzing targets: a few examples in the default run, many with `make fuzz`.

``FUZZ_EXAMPLES`` (environment; default 60) sets how many examples each target runs.
"""

import os

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
