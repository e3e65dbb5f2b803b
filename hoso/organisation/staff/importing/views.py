"""The accounts a staff-list import opened, with their one-time passwords: shown ONCE, to the
person who committed the import (as the staff create page shows one person's), then wiped from
the batch. Pages never write on GET: the passwords are taken with a POST."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render

from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.imports.models import ImportBatch
from hoso.imports.policies import access_batch
from hoso.organisation.staff.importing.importer import STAFF_LIST
from hoso.organisation.staff.views import no_store


def _committer_id(batch: ImportBatch) -> int:
    return batch.result.get("queued_by") or batch.uploaded_by_id


@login_required
def accounts(request, batch_id: int):
    actor = request.actor
    batch = access_batch(actor, STAFF_LIST, batch_id)
    if batch.state != ImportBatch.State.COMMITTED:
        return redirect("organisation:staff_import_batch", batch_id=batch.pk)
    own = _committer_id(batch) == actor.user.pk
    shown = None
    if request.method == "POST" and own:
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            listed = locked.result.get("accounts", [])
            shown = [a for a in listed if a.get("password")]
            if shown:
                locked.result = {
                    **locked.result,
                    "accounts": [a | {"password": None} for a in listed],
                    "passwords_shown_at": clock.now().isoformat(),
                }
                locked.save(update_fields=["result"])
                audit_record(
                    event_type="staff.import_passwords_shown",
                    actor=actor.user,
                    school_id=batch.school_id,
                    target_type="import_batch",
                    target_id=str(batch.pk),
                    after={"batch_id": batch.pk, "accounts": [a["username"] for a in shown]},
                )
            batch = locked
        if not shown:
            messages.error(request, "Mật khẩu dùng một lần của lần nhập này đã được xem rồi.")
    rows = batch.result.get("accounts", [])
    context = {
        "batch": batch,
        "rows": rows,
        "shown": shown,
        "own": own,
        "waiting": any(a.get("password") for a in rows) and not shown,
    }
    return no_store(render(request, "organisation/staff/import_accounts.html", context))
