"""A class-list import made slow on purpose, for the test that kills a worker mid-commit
(``test_worker_killed.py``). Installed only by ``worker_settings`` (the worker subprocess) and
registered by hand in the test process. Not a product feature."""

from __future__ import annotations

import os
import time
from pathlib import Path

from hoso.students.importing.importer import ClassListImporter

KIND = "test_slow_class_list"


class SlowClassListImporter(ClassListImporter):
    """The class list, whose commit writes every row, says so in a marker file, then sleeps
    ``HOSO_TEST_COMMIT_PAUSE`` seconds — still inside the commit's transaction."""

    kind = KIND

    def commit(self, **kwargs):
        counts = super().commit(**kwargs)
        marker = os.environ.get("HOSO_TEST_COMMIT_MARKER", "")
        if marker:
            Path(marker).write_text(str(os.getpid()))
        time.sleep(float(os.environ.get("HOSO_TEST_COMMIT_PAUSE", "0")))
        return counts


SLOW_CLASS_LIST = SlowClassListImporter()
