"""A test-only app: the slow class-list kind of ``importer.py`` (see there)."""
