"""Roles (vai trò), derived from positions and assignments — never granted by hand."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PRINCIPAL = "principal"
    VICE_PRINCIPAL = "vice_principal"
    DEPARTMENT_HEAD = "department_head"
    DEPARTMENT_DEPUTY = "department_deputy"
    OFFICE_HEAD = "office_head"
    HOMEROOM_TEACHER = "homeroom_teacher"
    SUBJECT_TEACHER = "subject_teacher"
    CLERK = "clerk"
    ACCOUNTANT = "accountant"
    ADMINISTRATOR = "administrator"
    MEDICAL = "medical"
    LIBRARIAN = "librarian"
    DOI_LEADER = "doi_leader"
    PARENT = "parent"
    INSPECTOR = "inspector"


ROLE_LABELS = {
    Role.PRINCIPAL: "Hiệu trưởng",
    Role.VICE_PRINCIPAL: "Phó hiệu trưởng",
    Role.DEPARTMENT_HEAD: "Tổ trưởng chuyên môn",
    Role.DEPARTMENT_DEPUTY: "Tổ phó chuyên môn",
    Role.OFFICE_HEAD: "Tổ trưởng tổ văn phòng",
    Role.HOMEROOM_TEACHER: "Giáo viên chủ nhiệm",
    Role.SUBJECT_TEACHER: "Giáo viên bộ môn",
    Role.CLERK: "Văn thư",
    Role.ACCOUNTANT: "Kế toán",
    Role.ADMINISTRATOR: "Quản trị viên",
    Role.MEDICAL: "Nhân viên y tế",
    Role.LIBRARIAN: "Nhân viên thư viện",
    Role.DOI_LEADER: "Tổng phụ trách Đội",
    Role.PARENT: "Phụ huynh",
    Role.INSPECTOR: "Thanh tra / Phòng, Sở GD&ĐT",
}

LEADERS = frozenset({Role.PRINCIPAL, Role.VICE_PRINCIPAL})
