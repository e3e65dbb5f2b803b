"""The text offered for a school's first notice (thông báo xử lý dữ liệu cá nhân): what the law
asks a notice to say — purposes, types of data, who processes it (processors), the rights of the
data subject and how to use them, the consequences, how long data is kept — written factually
for what HoSo does. The principal edits it before publishing; nothing here is legal advice."""

from __future__ import annotations

DEFAULT_PROCESSORS = (
    "- Nhà cung cấp dịch vụ tin nhắn SMS của nhà trường (tên, hợp đồng số …): nhận số điện thoại "
    "và nội dung tin nhắn.\n"
    "- Zalo (Công ty Cổ phần VNG), kênh Zalo Official Account của nhà trường: nhận số điện thoại "
    "và nội dung tin nhắn.\n"
    "- Nhà cung cấp máy chủ / dịch vụ thư điện tử của nhà trường (nếu có): lưu trữ dữ liệu, "
    "gửi thư."
)


def default_text(school_name: str, contact: str = "") -> str:
    contact = contact or "văn thư nhà trường (điện thoại và địa chỉ của trường)"
    return f"""THÔNG BÁO XỬ LÝ DỮ LIỆU CÁ NHÂN CỦA HỌC SINH VÀ CHA MẸ HỌC SINH
{school_name}

Căn cứ Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 và Nghị định số 356/2025/NĐ-CP, nhà trường thông báo việc xử lý dữ liệu cá nhân trên hệ thống hồ sơ điện tử HoSo như sau.

1. Bên kiểm soát dữ liệu
{school_name}. Dữ liệu được lưu trên máy chủ do nhà trường quản lý; không doanh nghiệp nào được khai thác dữ liệu giáo dục vào mục đích kinh doanh.

2. Loại dữ liệu được xử lý
- Của học sinh: họ và tên, ngày sinh, giới tính, nơi sinh, dân tộc, quốc tịch, mã định danh cá nhân, nơi ở; lớp, quá trình học tập; kết quả đánh giá, nhận xét, rèn luyện; chuyên cần (điểm danh, đơn xin nghỉ); học bạ; thông tin sức khỏe, khuyết tật khi cần cho việc học (dữ liệu nhạy cảm, chỉ người có nhiệm vụ được xem).
- Của cha mẹ, người giám hộ: họ và tên, số điện thoại, địa chỉ thư điện tử, nghề nghiệp, quan hệ với học sinh; tài khoản HoSo và nhật ký truy cập.

3. Mục đích xử lý
a) Quản lý học sinh và hồ sơ giáo dục theo Điều lệ trường và quy định của Bộ Giáo dục và Đào tạo (nghĩa vụ pháp lý của nhà trường; không cần sự đồng ý).
b) Sổ liên lạc điện tử: thông báo kết quả học tập, chuyên cần, tin tức của lớp và trường cho cha mẹ qua HoSo (trong ứng dụng), thư điện tử và thông báo đẩy — cần sự đồng ý cho thư điện tử và thông báo đẩy.
c) Gửi tin nhắn SMS — cần sự đồng ý; số điện thoại và nội dung tin được chuyển cho nhà cung cấp SMS.
d) Gửi tin qua Zalo Official Account — cần sự đồng ý; số điện thoại và nội dung tin được chuyển cho Zalo.
đ) Công bố hình ảnh, thành tích của học sinh (bảng tin, trang thông tin của trường) — cần sự đồng ý của cha mẹ và của học sinh từ đủ 7 tuổi.

4. Bên xử lý dữ liệu
Danh sách các bên xử lý dữ liệu ghi ở mục riêng dưới đây. Nhà trường chỉ chuyển cho họ dữ liệu cần cho việc gửi tin theo hợp đồng.

5. Quyền của chủ thể dữ liệu
Cha mẹ, người giám hộ (thay mặt học sinh) có quyền: được biết; đồng ý hoặc không đồng ý; rút lại sự đồng ý bất cứ lúc nào (việc gửi tin dừng ngay); xem và tải về dữ liệu nhà trường lưu về con; yêu cầu chỉnh sửa, xóa, hạn chế xử lý; khiếu nại, tố cáo, yêu cầu bồi thường theo quy định. Không trả lời không phải là đồng ý.
Cách thực hiện: trên HoSo, mục "Dữ liệu cá nhân"; hoặc gửi phiếu giấy cho giáo viên chủ nhiệm.

6. Hậu quả có thể xảy ra
Nếu không đồng ý hoặc rút lại sự đồng ý cho mục b), c), d), đ): cha mẹ vẫn xem được thông tin trong HoSo và nhận thông báo trong ứng dụng; nhà trường không gửi qua kênh đó và không công bố hình ảnh, thành tích của con. Việc học của học sinh không bị ảnh hưởng. Rủi ro khi chuyển dữ liệu cho bên xử lý (lộ số điện thoại, nội dung tin) được hạn chế bằng hợp đồng và chỉ chuyển dữ liệu cần thiết.

7. Thời gian xử lý, lưu trữ
Dữ liệu hồ sơ học sinh được lưu theo thời hạn lưu trữ hồ sơ giáo dục (học bạ, sổ đăng bộ: lâu dài theo quy định). Dữ liệu phục vụ sổ liên lạc điện tử và nhật ký gửi tin được lưu trong thời gian học sinh học tại trường và xóa sau khi học sinh rời trường, trừ khi pháp luật yêu cầu lưu lâu hơn. Khi rút lại sự đồng ý, nhà trường ngừng xử lý cho mục đích đó ngay.

8. Liên hệ
{contact}. Yêu cầu chỉnh sửa dữ liệu được trả lời trong thời hạn nhà trường công bố trên HoSo.
"""
