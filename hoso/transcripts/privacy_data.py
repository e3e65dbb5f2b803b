"""Transcripts' part of "what the school holds about my child" (hoso.privacy.inventory): each
transcript version (học bạ) with its state; the issued one is downloaded from the child's page."""

from __future__ import annotations


def sections(student) -> list:
    from hoso.privacy.inventory import Section
    from hoso.transcripts.models import Transcript

    return [
        Section(
            "transcripts",
            "Học bạ",
            ["Năm học", "Lớp", "Phiên bản", "Trạng thái", "Mã tra cứu"],
            [
                [
                    t.year.name,
                    t.school_class.name,
                    str(t.version),
                    t.get_state_display(),
                    t.code if t.state == Transcript.State.ISSUED else "",
                ]
                for t in Transcript.objects.filter(student=student)
                .select_related("year", "school_class")
                .order_by("year__start_date", "version")
            ],
            note="Nội dung học bạ là kết quả học tập ở các mục trên; bản đã cấp tải về từ "
            "trang của con.",
        )
    ]
