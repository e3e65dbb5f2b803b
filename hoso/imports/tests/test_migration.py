"""The uploads and saved mappings of the two former pipelines move to the machinery's tables
(imports.0002): nothing a school saved is lost, and the moved batches open as before."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from hoso.core.clock import VN_TZ
from hoso.imports.models import ImportBatch, ImportMapping

BEFORE = [
    ("imports", "0001_initial"),
    ("students", "0001_initial"),
    ("gradebook", "0002_classresult_reopened"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return list(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_batches_and_mappings_move_with_everything_they_hold(client, world):
    old_apps = _migrate(BEFORE)
    try:
        StudentBatch = old_apps.get_model("students", "ImportBatch")
        GradeBatch = old_apps.get_model("gradebook", "GradeImportBatch")
        OldMapping = old_apps.get_model("students", "ImportMapping")
        clerk, teacher = world.users["clerk"], world.users["subject"]
        made = datetime(2026, 10, 1, 8, 0, tzinfo=VN_TZ)
        OldMapping.objects.create(
            school_id=world.school.pk,
            kind="grades",
            name="SMAS sổ điểm",
            source="smas",
            header_row=3,
            columns={"ma hs": "student_code", "giua ky": "GK"},
            signature="a" * 64,
            created_by_id=teacher.pk,
        )
        common = {"school_id": world.school.pk, "headers": ["Mã HS"], "mapping": {"0": "x"}}
        class_list = StudentBatch.objects.create(
            school_class_id=world.class_a.pk,
            uploaded_by_id=clerk.pk,
            filename="lop6a1.xlsx",
            state="committed",
            raw_rows=[{"row": 2, "cells": ["HS1"]}],
            rows=[{"row": 2}],
            errors=[],
            result={"count": 1, "header_row": 1, "sheet": "Danh sách"},
            **common,
        )
        StudentBatch.objects.filter(pk=class_list.pk).update(created_at=made)
        queued = GradeBatch.objects.create(
            school_class_id=world.class_a.pk,
            subject_id=world.math.pk,
            term_id=world.term1.pk,
            uploaded_by_id=teacher.pk,
            filename="toan.xlsx",
            state="queued",
            raw_rows=[],
            rows=[{"row": 8, "column": "TX1"}],
            errors=[],
            result={"header_row": 7, "queued_by": teacher.pk},
            **common,
        )
    finally:
        _migrate(_latest())

    mapping = ImportMapping.objects.get()
    assert (mapping.kind, mapping.name, mapping.source, mapping.header_row) == (
        "grades",
        "SMAS sổ điểm",
        "smas",
        3,
    )
    assert mapping.columns == {"ma hs": "student_code", "giua ky": "GK"}
    moved = ImportBatch.objects.get(kind="students")
    assert moved.pk == class_list.pk  # its id is kept: the audit trail names it
    assert moved.scope == {"class_id": world.class_a.pk}
    assert moved.scope_key == f"class_id={world.class_a.pk}"
    assert (moved.state, moved.raw_rows, moved.result["count"]) == (
        "committed",
        class_list.raw_rows,
        1,
    )
    assert moved.created_at == made
    grades = ImportBatch.objects.get(kind="grades")
    assert grades.scope == {
        "class_id": world.class_a.pk,
        "subject_id": world.math.pk,
        "term_id": world.term1.pk,
    }
    assert grades.state == "preview"  # its task's name is gone: the teacher presses "Ghi" again
    assert grades.result["moved_from"] == queued.pk and grades.rows == queued.rows
    # New uploads get new ids, and the moved batches open on their pages.
    fresh = ImportBatch.objects.create(
        kind="students",
        school=world.school,
        uploaded_by=world.users["clerk"],
        filename="x",
        state="cancelled",
    )
    assert fresh.pk > max(moved.pk, grades.pk)
    client.force_login(world.users["clerk"])
    page = client.get(reverse("students:import_batch", kwargs={"batch_id": moved.pk}))
    assert page.status_code == 200 and "lop6a1.xlsx" in page.content.decode()
    client.force_login(world.users["subject"])
    page = client.get(reverse("gradebook:excel_batch", kwargs={"batch_id": grades.pk}))
    assert page.status_code == 200
