"""``python -m hoso.assessment`` — see :mod:`hoso.assessment.cli`."""

import sys

from hoso.assessment.cli import main

if __name__ == "__main__":
    sys.exit(main())
