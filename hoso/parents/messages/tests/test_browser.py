"""The weekly news in a browser: the homeroom teacher drafts the week's news of 6A1 on a laptop,
previews and sends it; the demo parent reads its child's letter on a phone (the read receipt
reaches the teacher's page) and answers the teacher in a thread."""

from __future__ import annotations

from hoso.parents.messages.models import LetterReceipt, Message
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import small_school

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


class WeeklyNewsAndReply(BrowserTestCase):
    def setUp(self):
        self.w = small_school()

    def test_draft_send_read_and_reply(self):
        w = self.w
        teacher = self.login(w.users["homeroom"], viewport=LAPTOP)
        teacher.on("dialog", lambda dialog: dialog.accept())
        teacher.goto(f"{self.live_server_url}/lien-lac/tin-tuan/")
        teacher.click("[data-testid=news-this-week]")
        teacher.wait_for_selector("h1:has-text('Bản tin tuần 12')")
        child = teacher.locator("[data-testid=news-child]")
        assert "đầy đủ" in child.input_value()  # pre-filled from the week's data
        teacher.fill("[data-testid=news-common]", "Thứ Hai tuần sau lớp kiểm tra giữa kỳ Toán.")
        child.fill(child.input_value() + "\nCon tiến bộ môn Ngữ văn.")
        teacher.click("[data-testid=news-save]")
        teacher.wait_for_selector("text=Đã lưu bản nháp")
        assert "Con tiến bộ môn Ngữ văn." in teacher.inner_text("[data-testid=news-letter]")
        teacher.click("[data-testid=news-send]")
        teacher.wait_for_selector("[data-testid=news-sent]")
        assert "đã đọc 0/1" in teacher.inner_text("[data-testid=news-sent]")
        assert teacher.evaluate("document.documentElement.scrollWidth") <= 1366

        parent = self.login(w.users["parent"], viewport=PHONE)
        parent.click("text=Sổ liên lạc: bản tin, thông báo, tin nhắn")
        parent.wait_for_selector("[data-testid=parent-feed]")
        parent.click("[data-testid=parent-feed] a:has-text('Bản tin tuần')")
        parent.wait_for_selector("[data-testid=letter]")
        text = parent.inner_text("[data-testid=letter]")
        assert "kiểm tra giữa kỳ Toán" in text and "Con tiến bộ môn Ngữ văn." in text
        parent.wait_for_selector("[data-testid=marked-read]")  # the receipt, posted by htmx
        assert LetterReceipt.objects.get().read_at is not None
        assert parent.evaluate("document.documentElement.scrollWidth") <= 390

        parent.click("[data-testid=letter-reply]")
        parent.wait_for_selector("[data-testid=thread-form]")
        assert parent.evaluate("document.documentElement.scrollWidth") <= 390
        parent.select_option("select[name=staff]", label="Đỗ Thị Lan — Giáo viên chủ nhiệm")
        parent.fill("textarea[name=body]", "Cảm ơn cô, gia đình sẽ nhắc cháu ôn bài.")
        parent.click("[data-testid=thread-form] button[type=submit]")
        parent.wait_for_selector("[data-testid=message]")
        assert "gia đình sẽ nhắc cháu" in parent.inner_text("[data-testid=thread-messages]")
        assert parent.evaluate("document.documentElement.scrollWidth") <= 390
        assert Message.objects.get().author_id == w.users["parent"].pk

        teacher.reload()
        assert "đã đọc 1/1" in teacher.inner_text("[data-testid=news-sent]")
        teacher.goto(f"{self.live_server_url}/lien-lac/tin-nhan/")
        assert "1 tin mới" in teacher.inner_text("[data-testid=inbox]")

    def test_the_clerk_sends_a_notice_on_a_phone_and_sees_who_has_not_read(self):
        w = self.w
        clerk = self.login(w.users["clerk"], viewport=PHONE)
        clerk.goto(f"{self.live_server_url}/lien-lac/thong-bao/moi/")
        clerk.select_option("select[name=scope]", "school")
        clerk.fill("input[name=title]", "Nghỉ học do mưa bão")
        clerk.fill("textarea[name=body]", "Ngày mai học sinh nghỉ học để đảm bảo an toàn.")
        clerk.check("input[name=urgent]")
        clerk.click("[data-testid=notice-form] button[type=submit]")
        clerk.wait_for_selector("[data-testid=notice-count]")
        assert "Đã đọc 0/1" in clerk.inner_text("[data-testid=notice-count]")
        assert "Nguyễn Văn Cường" in clerk.inner_text("[data-testid=notice-unread]")
        assert clerk.evaluate("document.documentElement.scrollWidth") <= 390
        parent = self.login(w.users["parent"], viewport=PHONE)
        parent.goto(f"{self.live_server_url}/lien-lac/thong-bao/")
        parent.click("[data-testid=notice-list] a:has-text('Nghỉ học do mưa bão')")
        parent.wait_for_selector("[data-testid=marked-read]")
        clerk.reload()
        assert "Đã đọc 1/1" in clerk.inner_text("[data-testid=notice-count]")
