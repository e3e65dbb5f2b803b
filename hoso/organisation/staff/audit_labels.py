"""Vietnamese labels for this package's audit event types (merged into hoso.audit.labels)."""

EVENT_LABELS: dict[str, str] = {
    "staff.created": "Vào sổ cán bộ",
    "staff.updated": "Sửa hồ sơ cán bộ",
    "staff.positions_refused": "Không cho đổi chức vụ (không đủ thẩm quyền)",
    "staff.ended": "Thôi công tác",
    "staff.end_scheduled": "Ghi ngày thôi công tác sắp tới",
    "staff.end_refused": "Không cho ghi thôi công tác (đang giữ chức vụ lãnh đạo)",
    "staff.rehired": "Trở lại công tác",
    "staff.imported": "Nhập danh sách cán bộ từ Excel",
    "staff.import_passwords_shown": "Xem mật khẩu dùng một lần của lần nhập danh sách cán bộ",
    "staff_register.edition_taken": "Lập bản sổ quản lý cán bộ",
    "department.head_removed": "Bỏ tổ trưởng / tổ phó khi thôi công tác",
    "account.leader_action_refused": "Không cho thao tác trên tài khoản lãnh đạo",
}
