"""The URLs of one kind of import, under its domain's URL namespace.

    urlpatterns += import_patterns(
        CLASS_LIST, start="lop/<int:class_id>/nhap-excel/", batch="nhap-excel/<int:batch_id>/"
    )

gives, named ``importer.url_prefix + step``: ``start`` (the page), ``template`` (mau.xlsx),
``upload`` (tai-len/) under ``start``; ``batch``, ``map`` (ghep-cot/), ``header_row``
(dong-tieu-de/), ``options`` (tuy-chon/), ``commit`` (ghi/), ``cancel`` (huy/), ``retry``
(thu-lai/) under ``batch``. The ids in ``start`` are the importer's scope."""

from __future__ import annotations

from django.urls import URLPattern, path

from hoso.imports import views
from hoso.imports.importer import Importer


def import_patterns(importer: Importer, *, start: str, batch: str) -> list[URLPattern]:
    name = importer.url_prefix.rpartition(":")[2]
    kwargs = {"importer": importer}
    return [
        path(start, views.start, kwargs, name=name + "start"),
        path(start + "mau.xlsx", views.template, kwargs, name=name + "template"),
        path(start + "tai-len/", views.upload, kwargs, name=name + "upload"),
        path(batch, views.batch, kwargs, name=name + "batch"),
        path(batch + "ghep-cot/", views.map_columns, kwargs, name=name + "map"),
        path(batch + "dong-tieu-de/", views.header_row, kwargs, name=name + "header_row"),
        path(batch + "tuy-chon/", views.options, kwargs, name=name + "options"),
        path(batch + "ghi/", views.commit, kwargs, name=name + "commit"),
        path(batch + "huy/", views.cancel, kwargs, name=name + "cancel"),
        path(batch + "thu-lai/", views.retry, kwargs, name=name + "retry"),
    ]
