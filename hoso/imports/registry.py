"""The importers of the installed domains, by kind. Each domain registers its own in its
``AppConfig.ready`` (``register(ClassListImporter())``); the background commit and the clean-up
find a batch's importer here."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from hoso.imports.importer import Importer

_IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    kind = importer.kind
    if not kind:
        raise ImproperlyConfigured(f"{type(importer).__name__} has no kind")
    known = _IMPORTERS.get(kind)
    if known is not None and type(known) is not type(importer):
        raise ImproperlyConfigured(f"Two importers of kind {kind!r}: {known!r}, {importer!r}")
    _IMPORTERS[kind] = importer
    return importer


def unregister(kind: str) -> None:
    """For tests that plug in an importer of their own."""
    _IMPORTERS.pop(kind, None)


def importer_for(kind: str) -> Importer:
    try:
        return _IMPORTERS[kind]
    except KeyError:
        raise LookupError(f"No importer of kind {kind!r} is registered")


def kinds() -> list[str]:
    return sorted(_IMPORTERS)
