"""The navigation shows only what the person's roles allow."""

from __future__ import annotations

from importlib import import_module

from django.urls import reverse

from hoso.accounts.policies import Perm, can
from hoso.accounts.roles import Role
from hoso.audit.policies import can_view_anchors
from hoso.gradebook.anomalies.policies import can_view_anomalies
from hoso.gradebook.entry.policies import GRADEBOOK_READERS
from hoso.gradebook.progress.policies import can_view_progress
from hoso.organisation.staff.navigation import nav_entries as staff_nav_entries

# Packages added later keep their menu entries in ``<package>/navigation.py``.
NAV_EXTENSIONS = (
    "hoso.records.navigation",
    "hoso.archive.navigation",
    "hoso.transcripts.navigation",
    "hoso.printing.navigation",
    "hoso.attendance.reports.navigation",
    "hoso.signing.navigation",
    "hoso.organisation.assignments.navigation",
    "hoso.rollover.navigation",
    "hoso.attendance.navigation",
    "hoso.graduation.navigation",
    "hoso.transfers.navigation",
    "hoso.organisation.setup.navigation",
    "hoso.parents.child.navigation",
    "hoso.privacy.navigation",
    "hoso.accounts.invitations.navigation",
    "hoso.parents.messages.navigation",
    "hoso.correspondence.navigation",
)


def nav_items(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    actor = request.actor
    items: list[tuple[str, str]] = [("home:index", "Trang chủ")]
    if actor.school is not None:
        if (
            can(actor, Perm.VIEW_SCHOOL)
            or actor.taught
            or actor.homeroom_class_ids
            or (actor.department_ids)
        ):
            items.append(("organisation:classes", "Lớp học"))
            items.append(("students:search", "Học sinh"))
        if (
            actor.taught
            or actor.homeroom_class_ids
            or actor.department_ids
            or actor.has(*GRADEBOOK_READERS)
        ):
            items.append(("gradebook:index", "Sổ điểm"))
        if actor.staff is not None and (
            actor.taught
            or actor.homeroom_class_ids
            or actor.is_leader
            or actor.has(Role.ADMINISTRATOR)
        ):
            items.append(("gradebook:corrections", "Sửa điểm"))
        if actor.taught or actor.homeroom_class_ids or actor.department_ids or actor.is_leader:
            items.append(("gradebook:results_index", "Kết quả"))
        if can_view_progress(actor):
            items.append(("gradebook:progress", "Tiến độ"))
        if can_view_anomalies(actor):
            items.append(("gradebook:anomalies", "Bất thường"))
        if actor.has(Role.PRINCIPAL, Role.ADMINISTRATOR):
            items.append(("gradebook:locks", "Khóa sổ"))
        for module_name in NAV_EXTENSIONS:
            items.extend(import_module(module_name).nav_entries(actor))
        items.extend(staff_nav_entries(actor))  # Cán bộ, Sổ cán bộ
        if can(actor, Perm.MANAGE_ENROLMENT):
            items.append(("students:register", "Sổ đăng bộ"))
        if can(actor, Perm.MANAGE_ACCOUNTS):
            items.append(("accounts:admin", "Tài khoản"))
        if can(actor, Perm.VIEW_AUDIT):
            items.append(("audit:events", "Nhật ký"))
        if can_view_anchors(actor):
            items.append(("audit:anchors", "Mốc neo nhật ký"))
        if can(actor, Perm.GRANT_INSPECTOR):
            items.append(("accounts:inspectors", "Thanh tra"))
        if (
            actor.staff is not None
            and actor.has(Role.DEPARTMENT_HEAD, Role.PRINCIPAL)
            and not (
                actor.delegated.keys() >= (actor.roles & {Role.DEPARTMENT_HEAD, Role.PRINCIPAL})
            )
        ):
            items.append(("accounts:delegations", "Ủy quyền"))
    return {"nav_items": _grouped(items, request.path)}


# Menu groups, by the URL name of their entries (an entry in no group stands alone). A group
# with one entry the person may see is shown as a plain link.
GROUPS = (
    (
        "Lớp & học sinh",
        (
            "organisation:classes",
            "organisation:assignments",
            "students:search",
            "students:register",
            "rollover:",
            "graduation:",
            "transfers:",
            "accounts:parent_invitations",
            "privacy:paper",
            "parents:messages_home",
        ),
    ),
    (
        "Sổ điểm",
        (
            "gradebook:index",
            "gradebook:corrections",
            "gradebook:results_index",
            "gradebook:progress",
            "gradebook:anomalies",
            "gradebook:locks",
        ),
    ),
    ("Điểm danh", ("attendance:",)),
    ("Hồ sơ", ("records:", "archive:", "correspondence:")),
    ("Học bạ & ký số", ("transcripts:", "printing:", "signing:")),
    (
        "Quản trị",
        (
            "organisation:setup:",
            "organisation:staff",
            "organisation:staff_editions",
            "accounts:admin",
            "audit:events",
            "audit:anchors",
            "accounts:inspectors",
            "accounts:delegations",
            "parents:publication",
            "privacy:notice",
            "privacy:requests",
        ),
    ),
)


def _group_of(name: str) -> str | None:
    for label, prefixes in GROUPS:
        if any(name == p or (p.endswith(":") and name.startswith(p)) for p in prefixes):
            return label
    return None


def _grouped(items: list[tuple[str, str]], path: str) -> list[dict]:
    """[{url, label, active}] links and [{label, active, children: [links]}] groups, in the
    order of their first entry."""
    out: list[dict] = []
    groups: dict[str, dict] = {}
    for name, label in items:
        url = reverse(name)
        active = path == url if url == "/" else path.startswith(url)
        link = {"url": url, "label": label, "active": active}
        group_label = _group_of(name)
        if group_label is None:
            out.append(link)
            continue
        group = groups.get(group_label)
        if group is None:
            group = groups[group_label] = {"label": group_label, "children": [], "active": False}
            out.append(group)
        group["children"].append(link)
        group["active"] = group["active"] or active
    for i, entry in enumerate(out):
        if "children" in entry and len(entry["children"]) == 1:
            out[i] = entry["children"][0]
    return out
