"""The default record-type catalogue (data, not code), applied by actions.record_types_seed.

Sources: Circular 28/2020 Art. 21 (primary), Circular 32/2020 Art. 21 (secondary), the GDTX books
(SPEC.md §3); owners, chains and schedules from SPEC.md §4 (seeds 000/004 §3.3–3.5, 002 Đ8);
retention from REGULATIONS.md §5 (the longer value where unconfirmed; None = vĩnh viễn).

Books the system itself computes (transcript, summary table, enrolment register, grade books)
are listed for their retention and are inactive by default: a school that still files a printed
or scanned copy switches them on in the catalogue screen.
"""

from __future__ import annotations

from hoso.organisation.models import Level

P, L, U, C = Level.PRIMARY, Level.LOWER_SECONDARY, Level.UPPER_SECONDARY, Level.CONTINUING
SECONDARY = [L, U]
GENERAL = [P, L, U]

# schedule_kind / schedule parameters: see schedules.py.
CATALOGUE: list[dict] = [
    # --- School (nhà trường) ---------------------------------------------------------------
    {
        "code": "ke-hoach-giao-duc-nha-truong",
        "name": "Kế hoạch giáo dục nhà trường năm học",
        "owner_kind": "school",
        "chain": ["principal"],
        "schedule_kind": "yearly",
        "schedule": {"month": 8, "day": 31, "time": "17:00"},
        "retention_years": None,
        "signature_required": True,
        "legal_basis": "TT 28/2020 Điều 21 khoản 1 điểm d; TT 32/2020 Điều 21",
        "description": "Báo cáo cơ quan quản lý trực tiếp trước 31/8, nộp lên hệ thống sau khi Hội đồng trường "
        "phê duyệt.",
    },
    {
        "code": "ke-hoach-chien-luoc",
        "name": "Kế hoạch chiến lược phát triển nhà trường (rà soát hằng năm)",
        "owner_kind": "school",
        "chain": ["principal"],
        "schedule_kind": "yearly",
        "schedule": {"month": 10, "day": 31, "time": "17:00"},
        "retention_years": None,
        "signature_required": True,
        "legal_basis": "TT 28/2020 Điều 21 khoản 1 điểm d",
        "description": "Xây dựng theo chu kỳ 5 năm, rà soát, điều chỉnh đầu năm học (tháng 9–10).",
    },
    {
        "code": "ho-so-pho-cap",
        "name": "Hồ sơ phổ cập giáo dục",
        "owner_kind": "school",
        "chain": ["principal"],
        "schedule_kind": "event",
        "schedule": {"event": "bao-cao-pho-cap", "days_after": 2, "time": "17:00"},
        "retention_years": None,
        "levels": [P, L],
        "legal_basis": "TT 28/2020 Điều 21 khoản 1 điểm e",
        "description": "Sao lưu ngay sau khi hoàn thành báo cáo trên hệ thống phổ cập.",
    },
    {
        "code": "so-dang-bo",
        "name": "Sổ đăng bộ (bản in cuối năm)",
        "owner_kind": "clerk",
        "chain": ["principal"],
        "schedule_kind": "yearly",
        "schedule": {"at": "year_end", "time": "17:00"},
        "retention_years": None,
        "signature_required": True,
        "is_active": False,
        "legal_basis": "TT 28/2020 Điều 21 khoản 1 điểm a; TT 32/2020 Điều 21",
        "description": "Hệ thống tự lập sổ đăng bộ; bật loại này nếu trường nộp bản in/scan.",
    },
    {
        "code": "hoc-ba",
        "name": "Học bạ",
        "owner_kind": "homeroom",
        "chain": ["vice_principal", "principal"],
        "schedule_kind": "yearly",
        "schedule": {"at": "year_end", "time": "17:00"},
        "retention_years": None,
        "signature_required": True,
        "is_active": False,
        "legal_basis": "TT 28/2020 Điều 21 khoản 1 điểm b; TT 32/2020 Điều 21",
        "description": "Do mô-đun Học bạ lập và ký; danh mục giữ thời hạn lưu trữ.",
    },
    {
        "code": "bang-tong-hop-ket-qua",
        "name": "Bảng tổng hợp kết quả đánh giá giáo dục của lớp",
        "owner_kind": "homeroom",
        "chain": ["principal"],
        "schedule_kind": "term",
        "schedule": {"days_before_end": 0, "time": "17:00"},
        "retention_years": None,
        "signature_required": True,
        "is_active": False,
        "levels": [P],
        "legal_basis": "TT 28/2020 Điều 21 khoản 1 điểm c",
        "description": "Do sổ điểm tính; bật nếu trường nộp bản in sau mỗi lần đánh giá.",
    },
    {
        "code": "so-goi-ten-ghi-diem",
        "name": "Sổ gọi tên và ghi điểm",
        "owner_kind": "homeroom",
        "chain": ["vice_principal"],
        "schedule_kind": "term",
        "schedule": {"days_before_end": 0, "time": "17:00"},
        "retention_years": None,
        "is_active": False,
        "levels": SECONDARY,
        "legal_basis": "TT 32/2020 Điều 21",
        "description": "Do sổ điểm điện tử lập; bật nếu trường nộp bản in.",
    },
    {
        "code": "so-theo-doi-danh-gia-hoc-sinh",
        "name": "Sổ theo dõi và đánh giá học sinh (theo lớp)",
        "owner_kind": "homeroom",
        "chain": ["vice_principal"],
        "schedule_kind": "term",
        "schedule": {"days_before_end": 0, "time": "17:00"},
        "retention_years": None,
        "is_active": False,
        "levels": SECONDARY,
        "legal_basis": "TT 32/2020 Điều 21",
        "description": "Do sổ điểm điện tử lập; bật nếu trường nộp bản in.",
    },
    {
        "code": "so-theo-doi-danh-gia-hoc-vien",
        "name": "Sổ theo dõi và đánh giá học viên",
        "owner_kind": "homeroom",
        "chain": ["vice_principal"],
        "schedule_kind": "term",
        "schedule": {"days_before_end": 0, "time": "17:00"},
        "retention_years": None,
        "is_active": False,
        "levels": [C],
        "legal_basis": "Quy chế GDTX (hạt giống 002 Đ8)",
        "description": "Do sổ điểm điện tử lập; bật nếu trung tâm nộp bản in.",
    },
    {
        "code": "so-ghi-dau-bai",
        "name": "Sổ ghi đầu bài (bản scan theo tháng)",
        "owner_kind": "homeroom",
        "chain": ["vice_principal"],
        "schedule_kind": "monthly",
        "schedule": {"day": -1, "time": "23:59"},
        "retention_years": 5,
        "levels": SECONDARY + [C],
        "legal_basis": "TT 32/2020 Điều 21",
    },
    {
        "code": "so-quan-ly-can-bo",
        "name": "Sổ quản lý cán bộ, giáo viên, nhân viên",
        "owner_kind": "clerk",
        "chain": ["principal"],
        "schedule_kind": "term",
        "schedule": {"days_before_end": 0, "time": "17:00"},
        "retention_years": None,
        "signature_required": True,
        "legal_basis": "TT 28/2020 Điều 21 khoản 1 điểm đ",
        "description": "Cập nhật đầu năm, giữa năm, cuối năm và khi có thay đổi; in cuối năm.",
    },
    {
        "code": "so-quan-ly-van-ban",
        "name": "Sổ quản lý văn bản đi, đến",
        "owner_kind": "clerk",
        "chain": ["principal"],
        "schedule_kind": "monthly",
        "schedule": {"day": -1, "time": "17:00"},
        "retention_years": 20,
        "legal_basis": "TT 28/2020 Điều 21 khoản 1 điểm g; TT 10/2022/TT-BNV",
    },
    {
        "code": "ho-so-tai-chinh-tai-san",
        "name": "Hồ sơ quản lý tài chính, tài sản",
        "owner_kind": "accountant",
        "chain": ["principal"],
        "schedule_kind": "monthly",
        "schedule": {"day": -1, "time": "17:00"},
        "retention_years": 10,
        "signature_required": True,
        "legal_basis": "TT 28/2020 Điều 21 khoản 1 điểm f",
        "description": "Hằng tháng, quý, cuối năm tài chính và khi có biến động.",
    },
    {
        "code": "ho-so-hoc-sinh-khuyet-tat",
        "name": "Hồ sơ giáo dục học sinh khuyết tật (kế hoạch giáo dục cá nhân)",
        "owner_kind": "homeroom",
        "chain": ["vice_principal"],
        "schedule_kind": "term",
        "schedule": {"week": 2, "weekday": 4, "time": "17:00"},
        "retention_years": 10,
        "is_active": False,
        "legal_basis": "TT 28/2020 Điều 21 khoản 1 điểm h",
        "description": "Bật khi trường có học sinh khuyết tật học hòa nhập.",
    },
    # --- Department and office team (tổ chuyên môn, tổ văn phòng) -------------------------
    {
        "code": "ke-hoach-to-chuyen-mon",
        "name": "Kế hoạch dạy học các môn học, hoạt động giáo dục của tổ",
        "owner_kind": "department",
        "chain": ["vice_principal"],
        "schedule_kind": "yearly",
        "schedule": {"month": 9, "day": 20, "time": "17:00"},
        "retention_years": 5,
        "legal_basis": "TT 28/2020 Điều 21 khoản 3; hạt giống 000 §3.3.2.2",
    },
    {
        "code": "so-sinh-hoat-to",
        "name": "Sổ ghi chép nội dung hoạt động của tổ chuyên môn",
        "owner_kind": "department",
        "chain": ["vice_principal"],
        "schedule_kind": "monthly",
        "schedule": {"day": -1, "time": "23:59"},
        "retention_years": 5,
        "legal_basis": "TT 28/2020 Điều 21 khoản 3",
        "description": "Kế hoạch tuần đầu tháng, biên bản cuối tuần thứ hai và ngày cuối tháng.",
    },
    {
        "code": "so-sinh-hoat-to-van-phong",
        "name": "Sổ ghi chép nội dung hoạt động của tổ văn phòng",
        "owner_kind": "office_team",
        "chain": ["principal"],
        "schedule_kind": "monthly",
        "schedule": {"day": -1, "time": "23:59"},
        "retention_years": 5,
        "legal_basis": "TT 28/2020 Điều 21 khoản 3",
    },
    # --- Teacher (giáo viên) --------------------------------------------------------------
    {
        "code": "ke-hoach-bai-day",
        "name": "Kế hoạch bài dạy",
        "owner_kind": "teacher",
        "chain": ["department_head"],
        "schedule_kind": "weekly",
        "schedule": {"weekday": 4, "time": "23:59", "week_offset": -1},
        "retention_years": 5,
        "legal_basis": "TT 28/2020 Điều 21 khoản 2; hạt giống 000 §3.3.2.3",
        "description": "Nộp theo tuần, chậm nhất thứ Sáu của tuần liền trước tuần dạy.",
    },
    {
        "code": "lich-bao-giang",
        "name": "Lịch báo giảng",
        "owner_kind": "teacher",
        "chain": ["vice_principal"],
        "schedule_kind": "weekly",
        "schedule": {"weekday": 6, "time": "22:00", "week_offset": -1},
        "retention_years": 5,
        "levels": [C],
        "legal_basis": "Hạt giống 002 Đ8",
        "description": "Nộp trước 22 giờ Chủ nhật của tuần liền trước.",
    },
    {
        "code": "ke-hoach-giao-duc-giao-vien",
        "name": "Kế hoạch giáo dục của giáo viên (kế hoạch dạy học môn học cả năm)",
        "owner_kind": "teacher",
        "chain": ["department_head", "vice_principal"],
        "schedule_kind": "yearly",
        "schedule": {"month": 9, "day": 20, "time": "17:00"},
        "retention_years": 5,
        "legal_basis": "TT 28/2020 Điều 21 khoản 2; hạt giống 000 §3.3.2.3",
    },
    {
        "code": "so-sinh-hoat-chuyen-mon-du-gio",
        "name": "Sổ ghi chép sinh hoạt chuyên môn, dự giờ và theo dõi học sinh (bản scan)",
        "owner_kind": "teacher",
        "chain": ["department_head"],
        "schedule_kind": "monthly",
        "schedule": {"day": -1, "time": "23:59"},
        "retention_years": 5,
        "legal_basis": "TT 28/2020 Điều 21 khoản 2",
        "description": "Scan bản ghi chép theo tháng, chậm nhất ngày cuối cùng của tháng.",
    },
    {
        "code": "so-chu-nhiem",
        "name": "Sổ chủ nhiệm (kế hoạch chủ nhiệm tháng)",
        "owner_kind": "homeroom",
        "chain": ["vice_principal"],
        "schedule_kind": "monthly",
        "schedule": {"nth_weekday": [1, 0], "time": "23:59"},
        "retention_years": 5,
        "legal_basis": "TT 28/2020 Điều 21 khoản 2",
        "description": "Cập nhật và nộp vào thứ Hai tuần đầu tiên của tháng.",
    },
    # --- Đội (Tổng phụ trách Đội) ---------------------------------------------------------
    {
        "code": "ke-hoach-cong-tac-doi",
        "name": "Kế hoạch công tác Đội hằng tháng",
        "owner_kind": "youth_leader",
        "chain": ["principal"],
        "schedule_kind": "monthly",
        "schedule": {"day": 1, "time": "23:59"},
        "retention_years": 5,
        "levels": [P, L],
        "legal_basis": "TT 28/2020 Điều 21 khoản 2 (sổ công tác Đội)",
    },
    {
        "code": "ho-so-dai-hoi-lien-doi",
        "name": "Chương trình, kế hoạch năm học và hồ sơ Đại hội Liên đội",
        "owner_kind": "youth_leader",
        "chain": ["principal"],
        "schedule_kind": "event",
        "schedule": {"event": "dai-hoi-lien-doi", "days_after": 2, "time": "23:59"},
        "retention_years": 5,
        "levels": [P, L],
        "legal_basis": "Hạt giống 000 §3.3.2.3 d",
        "description": "Nộp chậm nhất 2 ngày sau Đại hội Liên đội.",
    },
    {
        "code": "ho-so-ban-giao-he",
        "name": "Hồ sơ bàn giao học sinh về sinh hoạt hè tại địa phương",
        "owner_kind": "youth_leader",
        "chain": ["principal"],
        "schedule_kind": "yearly",
        "schedule": {"at": "year_end", "time": "17:00"},
        "retention_years": 5,
        "levels": [P, L],
        "legal_basis": "Hạt giống 000 §3.3.2.3 d",
        "description": "Chậm nhất vào ngày tổng kết năm học.",
    },
]

EVENTS: dict[str, str] = {
    "dai-hoi-lien-doi": "Đại hội Liên đội",
    "bao-cao-pho-cap": "Hoàn thành báo cáo phổ cập giáo dục",
}


def entries_for(levels) -> list[dict]:
    """The catalogue entries that apply to a school teaching ``levels``."""
    wanted = set(levels or [])
    out = []
    for order, entry in enumerate(CATALOGUE):
        scope = entry.get("levels") or []
        if scope and wanted and not (wanted & set(scope)):
            continue
        out.append({**entry, "order": order})
    return out
