"""``python -m hoso.assessment`` — see :mod:`hoso.assessment.cli`."""

import os
import sys

from hoso.assessment import cli

if __name__ == "__main__":
    cli.FAST_EXIT = True
    code = cli.main()
    # Everything is written: leave without freeing every parsed object one by one.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
