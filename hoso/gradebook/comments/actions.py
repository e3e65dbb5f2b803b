"""Nhận xét: the school's comment bank (ngân hàng nhận xét) per subject and level, suggestions
drawn from a student's results, subject comments written by the subject teacher, and a warning when
a class gets near-identical comments.

Levels: secondary score subjects and the homeroom teacher's general comment use T/K/D/CD (Tốt,
Khá, Đạt, Chưa đạt); secondary comment subjects D/CD; primary T/H/C (Hoàn thành tốt, Hoàn thành,
Chưa hoàn thành). A school that has no bank yet gets a small default one the first time it is
needed (``bank_ensure``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.db import transaction

from hoso.accounts.actor import Actor
from hoso.audit.actions import audit_record
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.core.text import fold, nfc
from hoso.gradebook.comments.models import CommentBankEntry, SubjectComment
from hoso.gradebook.comments.policies import can_manage_bank
from hoso.gradebook.entry.policies import is_assigned_teacher
from hoso.gradebook.results.errors import ResultsError
from hoso.gradebook.results.models import ClassResult
from hoso.organisation.models import Level, Subject
from hoso.students.models import Enrolment

SECONDARY_LEVELS = ("T", "K", "D", "CD")
PRIMARY_LEVELS = ("T", "H", "C")
COMMENT_LEVELS = ("D", "CD")
LEVEL_NAMES = {
    "secondary": {"T": "Tốt", "K": "Khá", "D": "Đạt", "CD": "Chưa đạt"},
    "comment": {"D": "Đạt", "CD": "Chưa đạt"},
    "primary": {"T": "Hoàn thành tốt", "H": "Hoàn thành", "C": "Chưa hoàn thành"},
}
SIMILARITY = 0.9
SHARE = 0.3
MAX_TEXT = 300

# --- the default bank -------------------------------------------------------------------------

GENERAL_SECONDARY = {
    "T": [
        "Ngoan, lễ phép, chăm chỉ học tập; có ý thức tự giác và tinh thần trách nhiệm cao.",
        "Học tập tích cực, chủ động; hăng hái tham gia các hoạt động của lớp, của trường.",
        "Có ý thức kỷ luật tốt, hòa đồng, biết giúp đỡ bạn bè.",
        "Tự giác trong học tập, có khả năng tự học và sáng tạo.",
        "Chấp hành tốt nội quy nhà trường, là tấm gương cho các bạn noi theo.",
        "Có năng lực tự quản tốt, nhiệt tình trong công việc chung của lớp.",
        "Trung thực, khiêm tốn, có tinh thần vượt khó trong học tập.",
        "Kết quả học tập tốt, cần tiếp tục phát huy trong thời gian tới.",
        "Mạnh dạn, tự tin khi giao tiếp, trình bày ý kiến rõ ràng, mạch lạc.",
        "Biết quan tâm, chia sẻ với thầy cô và bạn bè.",
    ],
    "K": [
        "Ngoan, lễ phép, có ý thức học tập; cần chủ động hơn trong học tập.",
        "Chấp hành tốt nội quy; cần cố gắng hơn ở một số môn học.",
        "Có tiến bộ trong học tập, cần phát huy để đạt kết quả cao hơn.",
        "Hòa đồng với bạn bè, tham gia đầy đủ các hoạt động của lớp.",
        "Có ý thức tự học nhưng cần tích cực phát biểu xây dựng bài hơn.",
        "Chăm chỉ, cần rèn luyện thêm kỹ năng trình bày và tự học.",
        "Thực hiện tốt nhiệm vụ được giao; cần mạnh dạn, tự tin hơn.",
        "Có khả năng đạt kết quả tốt hơn nếu học đều các môn.",
        "Lễ phép, đoàn kết với bạn bè; cần chú ý hơn trong giờ học.",
        "Học lực khá, cần tập trung ôn luyện các môn còn hạn chế.",
    ],
    "D": [
        "Chấp hành nội quy tương đối tốt; cần cố gắng nhiều hơn trong học tập.",
        "Có cố gắng nhưng kết quả học tập chưa đều, cần chăm chỉ hơn.",
        "Cần tập trung nghe giảng và hoàn thành bài tập về nhà đầy đủ.",
        "Cần rèn luyện thêm tính tự giác và ý thức tổ chức kỷ luật.",
        "Cần mạnh dạn hỏi thầy cô và bạn bè khi chưa hiểu bài.",
        "Có tiến bộ, cần duy trì và cố gắng hơn ở học kì tới.",
        "Cần sắp xếp thời gian học tập hợp lý, ôn bài thường xuyên.",
        "Tham gia các hoạt động của lớp nhưng chưa tích cực.",
        "Cần khắc phục việc đi học muộn, quên đồ dùng học tập.",
        "Gia đình cần phối hợp với nhà trường để em tiến bộ hơn.",
    ],
    "CD": [
        "Chưa chăm chỉ học tập, cần cố gắng nhiều để đạt yêu cầu.",
        "Còn vi phạm nội quy, cần rèn luyện ý thức kỷ luật.",
        "Kết quả học tập chưa đạt, cần ôn tập kỹ để kiểm tra lại.",
        "Cần tích cực rèn luyện trong hè theo kế hoạch của nhà trường.",
        "Thường xuyên chưa làm bài tập về nhà, cần khắc phục ngay.",
        "Chưa tập trung trong giờ học, cần được gia đình quan tâm nhắc nhở.",
        "Nghỉ học nhiều, ảnh hưởng đến kết quả học tập.",
        "Cần sự phối hợp chặt chẽ giữa gia đình và nhà trường để tiến bộ.",
        "Cần rèn luyện tính trung thực và tinh thần trách nhiệm.",
        "Cần xác định rõ mục tiêu học tập và cố gắng nhiều hơn.",
    ],
}

GENERAL_PRIMARY = {
    "T": [
        "Ngoan, lễ phép, chăm học; hoàn thành tốt các nhiệm vụ học tập.",
        "Tự giác, tích cực trong học tập; biết giúp đỡ bạn bè.",
        "Đọc to, rõ ràng; viết đúng, đẹp; làm tính nhanh, chính xác.",
        "Mạnh dạn, tự tin, hăng hái phát biểu xây dựng bài.",
        "Có ý thức tự phục vụ, tự quản tốt.",
        "Yêu trường lớp, kính trọng thầy cô, đoàn kết với bạn bè.",
        "Tích cực tham gia các hoạt động tập thể.",
        "Trung thực, có trách nhiệm với việc được giao.",
        "Biết hợp tác trong nhóm, chia sẻ với bạn.",
        "Chăm chỉ, có nhiều tiến bộ, cần phát huy.",
    ],
    "H": [
        "Ngoan, lễ phép; hoàn thành các nhiệm vụ học tập.",
        "Có cố gắng trong học tập, cần mạnh dạn phát biểu hơn.",
        "Đọc, viết tương đối tốt; cần rèn thêm chữ viết.",
        "Cần cẩn thận hơn khi làm tính.",
        "Biết giúp đỡ bạn, tham gia các hoạt động của lớp.",
        "Cần tập trung hơn trong giờ học.",
        "Có tiến bộ, cần chăm chỉ luyện đọc ở nhà.",
        "Hòa đồng với bạn bè, biết vâng lời thầy cô.",
        "Cần hoàn thành bài tập đúng thời gian.",
        "Cần tự giác hơn trong việc chuẩn bị đồ dùng học tập.",
    ],
    "C": [
        "Chưa hoàn thành một số nội dung học tập, cần được hỗ trợ thêm.",
        "Đọc còn chậm, viết còn sai chính tả; cần luyện tập thêm.",
        "Làm tính còn chậm, cần ôn luyện thêm các phép tính.",
        "Chưa tập trung trong giờ học, cần được nhắc nhở thường xuyên.",
        "Gia đình cần quan tâm, kèm cặp em học bài ở nhà.",
        "Cần mạnh dạn hơn khi giao tiếp với thầy cô, bạn bè.",
        "Cần hoàn thành bài tập đầy đủ.",
        "Chưa tự giác, cần rèn thói quen tự học.",
        "Cần tham gia kế hoạch hỗ trợ học tập của lớp.",
        "Có cố gắng nhưng chưa đạt yêu cầu, cần tiếp tục rèn luyện.",
    ],
}

SUBJECT_PHRASES = {
    "score": {
        "T": [
            "Nắm vững kiến thức môn {mon}, vận dụng linh hoạt vào bài tập.",
            "Học tốt môn {mon}, tích cực phát biểu xây dựng bài.",
            "Có năng lực tự học môn {mon}, trình bày bài rõ ràng, khoa học.",
            "Kết quả môn {mon} tốt, cần phát huy.",
        ],
        "K": [
            "Nắm được kiến thức cơ bản môn {mon}, cần rèn thêm kỹ năng vận dụng.",
            "Học khá môn {mon}, cần cẩn thận hơn khi làm bài.",
            "Có cố gắng trong môn {mon}, cần tích cực phát biểu hơn.",
            "Tiến bộ trong môn {mon}, cần chăm chỉ hơn để đạt kết quả tốt.",
        ],
        "D": [
            "Nắm được một phần kiến thức môn {mon}, cần ôn tập thêm.",
            "Kết quả môn {mon} đạt yêu cầu, cần cố gắng hơn.",
            "Cần tập trung nghe giảng và làm đầy đủ bài tập môn {mon}.",
            "Kỹ năng làm bài môn {mon} còn hạn chế, cần luyện tập thêm.",
        ],
        "CD": [
            "Chưa nắm vững kiến thức cơ bản môn {mon}, cần ôn tập nhiều hơn.",
            "Kết quả môn {mon} chưa đạt, cần cố gắng nhiều.",
            "Cần làm bài tập môn {mon} thường xuyên và hỏi thầy cô khi chưa hiểu.",
            "Cần ôn tập kỹ để kiểm tra lại môn {mon}.",
        ],
    },
    "comment": {
        "D": [
            "Tích cực tham gia các hoạt động của môn {mon}.",
            "Hoàn thành tốt các yêu cầu của môn {mon}.",
            "Có ý thức rèn luyện, đạt yêu cầu môn {mon}.",
            "Tham gia đầy đủ, có tiến bộ trong môn {mon}.",
        ],
        "CD": [
            "Chưa đạt yêu cầu môn {mon}, cần tích cực hơn.",
            "Chưa tham gia đầy đủ các hoạt động của môn {mon}.",
            "Cần rèn luyện thêm để đạt yêu cầu môn {mon}.",
            "Cần cố gắng hoàn thành các nội dung của môn {mon}.",
        ],
    },
    "primary": {
        "T": [
            "Hoàn thành tốt nội dung môn {mon}.",
            "Tiếp thu bài nhanh, vận dụng tốt kiến thức môn {mon}.",
            "Tích cực, sáng tạo trong các hoạt động môn {mon}.",
            "Làm bài cẩn thận, chính xác.",
        ],
        "H": [
            "Hoàn thành nội dung môn {mon}.",
            "Nắm được kiến thức cơ bản môn {mon}, cần cẩn thận hơn.",
            "Có tiến bộ trong môn {mon}, cần cố gắng thêm.",
            "Cần tích cực phát biểu trong giờ học môn {mon}.",
        ],
        "C": [
            "Chưa hoàn thành một số nội dung môn {mon}, cần được hỗ trợ.",
            "Cần ôn luyện thêm kiến thức môn {mon}.",
            "Cần tập trung hơn trong giờ học môn {mon}.",
            "Gia đình cần kèm cặp thêm để em tiến bộ ở môn {mon}.",
        ],
    },
}


def subject_kind(subject) -> str:
    """``primary`` | ``comment`` | ``score``: which levels a subject's comments use."""
    if subject.level == Level.PRIMARY:
        return "primary"
    return "comment" if subject.assessment == "comment" else "score"


def levels_for(school, subject=None) -> tuple[str, ...]:
    if subject is not None:
        return {"primary": PRIMARY_LEVELS, "comment": COMMENT_LEVELS}.get(
            subject_kind(subject), SECONDARY_LEVELS
        )
    levels = school.levels or []
    if levels and all(level == Level.PRIMARY for level in levels):
        return PRIMARY_LEVELS
    if Level.PRIMARY in levels:
        return tuple(dict.fromkeys(SECONDARY_LEVELS + PRIMARY_LEVELS))
    return SECONDARY_LEVELS


def level_name(level: str, subject=None, school=None) -> str:
    if subject is not None:
        kind = subject_kind(subject)
        names = LEVEL_NAMES["secondary" if kind == "score" else kind]
    elif school is not None and levels_for(school) == PRIMARY_LEVELS:
        names = LEVEL_NAMES["primary"]
    else:
        names = {**LEVEL_NAMES["primary"], **LEVEL_NAMES["secondary"]}
    return names.get(level, level)


def _default_entries(school) -> list[CommentBankEntry]:
    entries = []
    levels = school.levels or []
    if not levels or any(level != Level.PRIMARY for level in levels):
        for level, texts in GENERAL_SECONDARY.items():
            entries += [CommentBankEntry(school=school, level=level, text=t) for t in texts]
    if Level.PRIMARY in levels:
        for level, texts in GENERAL_PRIMARY.items():
            if level == "T" and entries:
                continue  # one "T" list is enough for a school of both levels
            entries += [CommentBankEntry(school=school, level=level, text=t) for t in texts]
    for subject in Subject.objects.filter(school=school):
        for level, texts in SUBJECT_PHRASES[subject_kind(subject)].items():
            entries += [
                CommentBankEntry(
                    school=school, subject=subject, level=level, text=t.format(mon=subject.name)
                )
                for t in texts
            ]
    return entries


def bank_ensure(school) -> int:
    """Seed the default bank when the school has none; returns the number of entries created."""
    if CommentBankEntry.objects.filter(school=school).exists():
        return 0
    with transaction.atomic():
        entries = _default_entries(school)
        CommentBankEntry.objects.bulk_create(entries)
        audit_record(
            event_type="comments.bank_seeded",
            school_id=school.pk,
            target_type="gradebook.commentbankentry",
            target_repr="Ngân hàng nhận xét mặc định",
            after={"entries": len(entries)},
        )
    return len(entries)


def bank_entries(school, *, subject=None, general: bool = False):
    qs = CommentBankEntry.objects.filter(school=school).select_related("subject")
    if general:
        return qs.filter(subject__isnull=True)
    if subject is not None:
        return qs.filter(subject=subject)
    return qs


# --- managing the bank ------------------------------------------------------------------------


def _check_bank_entry(actor: Actor, subject, level: str, text: str) -> str:
    if subject is not None and subject.school_id != actor.school_id:
        raise DomainError(ResultsError.NOT_ALLOWED, "Môn học không thuộc trường.")
    if not can_manage_bank(actor, subject):
        raise PermissionDeniedError(
            ResultsError.NOT_ALLOWED,
            "Chỉ lãnh đạo nhà trường (và tổ trưởng, với các môn của tổ) sửa ngân hàng nhận xét.",
        )
    if level not in levels_for(actor.school, subject):
        raise DomainError(
            ResultsError.UNKNOWN_LEVEL,
            "Mức “{}” không dùng cho {}; chọn {}.".format(
                level,
                f"môn {subject.name}" if subject else "nhận xét chung",
                ", ".join(levels_for(actor.school, subject)),
            ),
            field="level",
        )
    text = nfc(text)
    if not text:
        raise DomainError(ResultsError.BAD_INPUT, "Nhập nội dung nhận xét.", field="text")
    if len(text) > MAX_TEXT:
        raise DomainError(
            ResultsError.BAD_INPUT,
            f"Nhận xét dài {len(text)} ký tự; tối đa {MAX_TEXT}.",
            field="text",
        )
    return text


def _entry_json(entry: CommentBankEntry) -> dict:
    return {
        "subject": entry.subject.code if entry.subject else None,
        "level": entry.level,
        "text": entry.text,
    }


def bank_entry_save(
    *, actor: Actor, subject, level: str, text: str, entry: CommentBankEntry | None = None
) -> CommentBankEntry:
    """Add a phrase to the bank, or change one."""
    text = _check_bank_entry(actor, subject, level, text)
    if entry is not None and (
        entry.school_id != actor.school_id or not can_manage_bank(actor, entry.subject)
    ):
        raise PermissionDeniedError(ResultsError.NOT_ALLOWED, "Không sửa được nhận xét này.")
    with transaction.atomic():
        before = None
        if entry is None:
            entry = CommentBankEntry.objects.create(
                school=actor.school, subject=subject, level=level, text=text
            )
            event = "comments.bank_created"
        else:
            before = _entry_json(entry)
            entry.subject, entry.level, entry.text = subject, level, text
            entry.save(update_fields=["subject", "level", "text"])
            event = "comments.bank_updated"
        audit_record(
            event_type=event,
            actor=actor.user,
            school_id=actor.school_id,
            target=entry,
            target_repr=text[:120],
            before=before,
            after=_entry_json(entry),
        )
    return entry


def bank_entry_delete(*, actor: Actor, entry: CommentBankEntry) -> None:
    if entry.school_id != actor.school_id or not can_manage_bank(actor, entry.subject):
        raise PermissionDeniedError(ResultsError.NOT_ALLOWED, "Không xóa được nhận xét này.")
    with transaction.atomic():
        audit_record(
            event_type="comments.bank_deleted",
            actor=actor.user,
            school_id=actor.school_id,
            target=entry,
            target_repr=entry.text[:120],
            before=_entry_json(entry),
        )
        entry.delete()


# --- suggestions ------------------------------------------------------------------------------


def suggestions_for_subject(school, subject, level: str) -> list[str]:
    """Bank phrases of the subject at the student's level (all levels when it is unknown)."""
    bank_ensure(school)
    qs = CommentBankEntry.objects.filter(school=school, subject=subject)
    if level:
        qs = qs.filter(level=level)
    return list(qs.values_list("text", flat=True))


def general_levels(data: dict | None, primary: bool) -> list[str]:
    """The general-comment levels a student's year (or latest) result suggests: the learning and
    training levels (secondary), the subject levels' lowest (primary)."""
    if not data:
        return []
    if primary:
        overall = data.get("overall")
        if overall:
            return [{"HTXS": "T", "HTT": "T", "HT": "H", "CHT": "C"}[overall]]
        levels = [item.get("level") for item in (data.get("subjects") or {}).values()]
        levels = [lv for lv in levels if lv in PRIMARY_LEVELS]
        return [min(levels, key=PRIMARY_LEVELS.index, default="")] if levels else []
    learning = data.get("learning") or {}
    training = data.get("training") or {}
    found = []
    for source in (learning, training):
        for key in ("year", "term2", "term1"):
            if source.get(key):
                found.append(source[key])
                break
    return list(dict.fromkeys(found))


def suggestions_general(school, levels: list[str]) -> list[str]:
    bank_ensure(school)
    qs = CommentBankEntry.objects.filter(school=school, subject__isnull=True)
    if levels:
        qs = qs.filter(level__in=levels)
    return list(qs.values_list("text", flat=True))


def bank_by_level(school, *, subject=None) -> dict[str, list[str]]:
    """All phrases of a subject (or the general ones) by level, read once for a whole page."""
    bank_ensure(school)
    out: dict[str, list[str]] = {}
    qs = CommentBankEntry.objects.filter(school=school)
    qs = qs.filter(subject=subject) if subject is not None else qs.filter(subject__isnull=True)
    for level, text in qs.values_list("level", "text"):
        out.setdefault(level, []).append(text)
    return out


# --- near-identical comments ------------------------------------------------------------------


@dataclass
class NearDuplicates:
    groups: list[list[int]]  # student ids of each group of near-identical comments
    total: int  # comments compared
    similar: int  # comments that have a near-identical one

    @property
    def share(self) -> float:
        return self.similar / self.total if self.total else 0.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)


def near_duplicates(
    texts: dict[int, str], *, ratio: float = SIMILARITY, share: float = SHARE
) -> NearDuplicates | None:
    """Groups of near-identical comments (folded with ``core.text.fold``, difflib ratio ≥
    ``ratio``) when they make up at least ``share`` of the class's comments; else ``None``."""
    items = [(sid, fold(text)) for sid, text in texts.items() if text and fold(text)]
    n = len(items)
    if n < 2:
        return None
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    matcher = difflib.SequenceMatcher(autojunk=False)
    for j in range(n):
        matcher.set_seq2(items[j][1])
        for i in range(j):
            if find(i) == find(j):
                continue
            a = items[i][1]
            if a != items[j][1]:
                matcher.set_seq1(a)
                if (
                    matcher.real_quick_ratio() < ratio
                    or matcher.quick_ratio() < ratio
                    or matcher.ratio() < ratio
                ):
                    continue
            parent[find(i)] = find(j)
    clusters: dict[int, list[int]] = {}
    for index, (sid, _) in enumerate(items):
        clusters.setdefault(find(index), []).append(sid)
    groups = sorted((g for g in clusters.values() if len(g) > 1), key=len, reverse=True)
    similar = sum(len(g) for g in groups)
    if not groups or similar / n < share:
        return None
    return NearDuplicates(groups=groups, total=n, similar=similar)


# --- subject comments -------------------------------------------------------------------------


def subject_comments(school_class, subject, term) -> dict[int, SubjectComment]:
    students = Enrolment.objects.filter(school_class=school_class).values_list(
        "student_id", flat=True
    )
    return {
        c.student_id: c
        for c in SubjectComment.objects.filter(
            subject=subject, term=term, student_id__in=list(students)
        )
    }


def subject_comments_save(
    *, actor: Actor, school_class, subject, term, texts: dict[int, str]
) -> int:
    """The subject teacher's comments for the class and term (empty text removes one). Frozen
    once the term's (or the year's) class result is approved. Returns how many changed."""
    if not school_class.year.writable_for("results"):
        raise DomainError(ResultsError.YEAR_CLOSED, "Năm học đã khóa: chỉ xem, không sửa.")
    if not is_assigned_teacher(actor, school_class, subject, term):
        raise PermissionDeniedError(
            ResultsError.NOT_ALLOWED,
            "Chỉ giáo viên được phân công dạy môn này ở lớp này mới viết nhận xét môn học.",
        )
    if ClassResult.objects.filter(
        school_class=school_class,
        period__in=[f"term{term.number}", "year"],
        state=ClassResult.State.APPROVED,
    ).exists():
        raise DomainError(
            ResultsError.APPROVED,
            "Kết quả của lớp đã được phê duyệt: nhận xét không sửa được nữa.",
        )
    active = set(
        Enrolment.objects.studying()
        .filter(school_class=school_class)
        .values_list("student_id", flat=True)
    )
    existing = subject_comments(school_class, subject, term)
    before, after = {}, {}
    with transaction.atomic():
        for sid, raw in texts.items():
            if sid not in active:
                continue
            text = nfc(raw)[:2000]
            old = existing.get(sid)
            if (old.text if old else "") == text:
                continue
            before[str(sid)] = old.text[:500] if old else None
            after[str(sid)] = text[:500] or None
            if not text:
                old.delete()
            elif old is None:
                SubjectComment.objects.create(
                    student_id=sid, subject=subject, term=term, text=text, updated_by=actor.user
                )
            else:
                old.text, old.updated_by = text, actor.user
                old.save(update_fields=["text", "updated_by", "updated_at"])
        if after:
            audit_record(
                event_type="comments.subject_saved",
                actor=actor.user,
                school_id=actor.school_id,
                target_type="gradebook.sheet",
                target_id=f"{school_class.pk}:{subject.pk}:{term.pk}",
                target_repr=f"Nhận xét {subject.name} — lớp {school_class.name} — {term}",
                before=before,
                after=after,
            )
    return len(after)
