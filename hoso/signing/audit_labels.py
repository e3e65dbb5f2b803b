"""Vietnamese labels for this package's audit event types (merged into hoso.audit.labels)."""

EVENT_LABELS: dict[str, str] = {
    "signing.credential_added": "Thêm chữ ký số",
    "signing.credential_deactivated": "Vô hiệu hoá chữ ký số",
    "signing.trust_root_added": "Thêm chứng thư số gốc tin cậy",
    "signing.signature_applied": "Ký số văn bản",
    "signing.unlock_failed": "Nhập sai mật khẩu/PIN chữ ký số",
    "signing.document_drafted": "Lập văn bản cần ký số",
    "signing.document_signed": "Ký số sổ/biên bản",
    "signing.document_superseded": "Văn bản đã ký bị thay thế do dữ liệu thay đổi",
}
