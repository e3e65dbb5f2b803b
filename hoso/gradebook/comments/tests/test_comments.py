"""Comments (nhận xét): the school's bank, suggestions from a student's results, subject comments
and the warning on near-identical comments."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.gradebook.comments import actions as comments
from hoso.gradebook.comments.models import CommentBankEntry, SubjectComment
from hoso.gradebook.results import actions as results_actions
from hoso.gradebook.results.compute import recompute_class, subject_level
from hoso.gradebook.tests.results_helpers import (
    complete_inputs,
    fill_all,
    put,
    rich_school,
    sign_all,
)
from hoso.testing.factories import make_student


@pytest.fixture
def rich(world):
    return rich_school(world)


# ------------------------------------------------------------------------------ the bank


@pytest.mark.django_db
def test_a_default_bank_is_seeded_the_first_time_it_is_needed(world, rich):
    assert not CommentBankEntry.objects.exists()
    created = comments.bank_ensure(world.school)
    general = CommentBankEntry.objects.filter(school=world.school, subject__isnull=True)
    for level in ("T", "K", "D", "CD"):
        assert 10 <= general.filter(level=level).count() <= 20
    toan = CommentBankEntry.objects.filter(subject=world.math)
    assert sorted(set(toan.values_list("level", flat=True))) == ["CD", "D", "K", "T"]
    assert all("môn Toán" in t for t in toan.filter(level="T").values_list("text", flat=True)[:3])
    gdtc = CommentBankEntry.objects.filter(subject=rich.subjects["GDTC"])
    assert sorted(set(gdtc.values_list("level", flat=True))) == ["CD", "D"]
    assert created == CommentBankEntry.objects.count()
    assert comments.bank_ensure(world.school) == 0
    assert AuditEvent.objects.filter(event_type="comments.bank_seeded").count() == 1


@pytest.mark.django_db
def test_leaders_edit_the_whole_bank_department_heads_their_subjects(world, rich):
    principal, head = world.actor("principal"), world.actor("dept_head")
    entry = comments.bank_entry_save(
        actor=principal, subject=None, level="K", text="  Chăm ngoan,  lễ phép. "
    )
    assert entry.text == "Chăm ngoan, lễ phép." and entry.subject is None
    # The maths department teaches Toán (the subject teacher is a member), not Ngữ văn.
    mine = comments.bank_entry_save(actor=head, subject=world.math, level="T", text="Giỏi toán.")
    for subject in (None, world.literature):
        with pytest.raises(PermissionDenied):
            comments.bank_entry_save(actor=head, subject=subject, level="T", text="Giỏi.")
    for who in ("subject", "homeroom", "clerk"):
        with pytest.raises(PermissionDenied):
            comments.bank_entry_save(actor=world.actor(who), subject=None, level="T", text="x")
    with pytest.raises(DomainError) as exc:
        comments.bank_entry_save(
            actor=principal, subject=rich.subjects["GDTC"], level="K", text="x"
        )
    assert exc.value.code == "UNKNOWN_LEVEL"
    with pytest.raises(DomainError) as exc:
        comments.bank_entry_save(actor=principal, subject=None, level="T", text="   ")
    assert exc.value.code == "BAD_INPUT"
    comments.bank_entry_save(actor=head, subject=world.math, level="K", text="Khá.", entry=mine)
    comments.bank_entry_delete(actor=principal, entry=entry)
    types = list(
        AuditEvent.objects.filter(event_type__startswith="comments.bank_")
        .order_by("seq")
        .values_list("event_type", flat=True)
    )
    assert types == [
        "comments.bank_created",
        "comments.bank_created",
        "comments.bank_updated",
        "comments.bank_deleted",
    ]


@pytest.mark.django_db
def test_the_bank_page(client, world, rich):
    client.force_login(world.users["principal"])
    url = reverse("gradebook:results_comment_bank")
    page = client.get(url)
    assert page.status_code == 200 and "Nhận xét chung (GVCN)" in page.content.decode()
    response = client.post(url, {"subject": "", "level": "T", "text": "Học tốt, ngoan."})
    assert response.status_code == 302
    assert CommentBankEntry.objects.filter(text="Học tốt, ngoan.").exists()
    page = client.post(url, {"subject": str(world.math.pk), "level": "T", "text": "x" * 301})
    assert "tối đa 300" in page.content.decode()
    client.force_login(world.users["subject"])
    assert client.post(url, {"subject": "", "level": "T", "text": "Ngoan."}).status_code == 403
    entry = CommentBankEntry.objects.filter(subject__isnull=True).first()
    delete = reverse("gradebook:results_comment_bank_delete", args=[entry.pk])
    assert client.post(delete).status_code == 403
    assert client.get(url).status_code == 200  # teachers read the bank


# ------------------------------------------------------------------------------ suggestions


@pytest.mark.parametrize(
    "value,level",
    [(8.0, "T"), (7.9, "K"), (6.5, "K"), (6.4, "D"), (5.0, "D"), (4.9, "CD"), (None, "")],
)
def test_a_score_gives_the_comment_level(value, level):
    data = {"subjects": {"TOAN": {"term1": value}}}
    assert subject_level(data, "TOAN", "term1", "score", False) == level


def test_comment_and_primary_subjects_keep_their_own_levels():
    assert subject_level({"subjects": {"GDTC": {"year": "CD"}}}, "GDTC", "year", "comment", False)
    assert subject_level({"subjects": {"TV": {"level": "H"}}}, "TV", "year", "both", True) == "H"


@pytest.mark.django_db
def test_suggestions_come_from_the_students_result_in_the_subject(world, rich):
    fill_all(rich, world.student_a, 8, terms=(1,))
    recompute_class(world.class_a)
    texts = comments.suggestions_for_subject(world.school, world.math, "T")
    assert texts and all(
        t
        in CommentBankEntry.objects.filter(subject=world.math, level="T").values_list(
            "text", flat=True
        )
        for t in texts
    )
    page = _comments_page(client=None, world=world)
    assert "Tốt" in page and texts[0][:40] in page


def _comments_page(client, world):
    from django.test import Client

    client = client or Client()
    client.force_login(world.users["subject"])
    url = reverse(
        "gradebook:results_subject_comments",
        args=[world.class_a.pk, world.math.pk, world.term1.pk],
    )
    return client.get(url).content.decode()


@pytest.mark.django_db
def test_general_comment_suggestions_follow_learning_and_training(world, rich):
    fill_all(rich, world.student_a, 8)
    complete_inputs(world, world.student_a, training=("K", "K"))
    recompute_class(world.class_a)
    from hoso.gradebook.results.models import StudentResult

    data = StudentResult.objects.get(class_result__period="year").data
    assert comments.general_levels(data, primary=False) == ["T", "K"]
    texts = comments.suggestions_general(world.school, ["T", "K"])
    assert len(texts) == 20


# ------------------------------------------------------------------------------ near duplicates

DIFFERENT = [
    "Tiếp thu bài nhanh nhưng còn chủ quan khi làm bài kiểm tra.",
    "Cần luyện thêm kỹ năng trình bày lời giải cho rõ ràng.",
    "Hay quên làm bài tập về nhà; gia đình cần nhắc nhở.",
    "Có năng khiếu, nên tham gia đội tuyển học sinh giỏi của trường.",
    "Chữ viết cẩu thả, cần rèn luyện thêm để bài làm sạch đẹp hơn.",
    "Mạnh dạn phát biểu, đôi khi vội vàng nên còn sai sót nhỏ.",
    "Tiến bộ rõ rệt so với học kì trước, đặc biệt ở phần hình học.",
    "Còn rụt rè, nên chủ động hỏi thầy cô khi chưa hiểu.",
    "Làm việc nhóm tốt, biết hỗ trợ các bạn cùng bàn.",
    "Cần đi học đúng giờ và mang đủ đồ dùng học tập.",
]


def test_near_identical_comments_are_flagged_with_the_students():
    base = "Em chăm chỉ, tích cực phát biểu xây dựng bài, cần phát huy."
    texts = dict(enumerate(DIFFERENT, start=1))
    texts[1] = base
    texts[2] = "em cham chi, tich cuc phat bieu xay dung bai, can phat huy"  # no marks
    texts[3] = "Em chăm chỉ, tích cực phát biểu xây dựng bài, cần phát huy!"
    warning = comments.near_duplicates(texts)
    assert warning is not None
    assert warning.groups == [[1, 2, 3]] and (warning.similar, warning.total) == (3, 10)
    assert warning.percent == 30


def test_a_few_similar_comments_are_not_flagged():
    base = "Em chăm chỉ, tích cực phát biểu xây dựng bài, cần phát huy."
    texts = dict(enumerate(DIFFERENT, start=1))
    assert comments.near_duplicates(texts) is None
    texts[1], texts[2] = base, base
    assert comments.near_duplicates(texts) is None  # 2 of 10 = 20 %
    assert comments.near_duplicates({1: base}) is None
    different = {1: base, 2: "Cần tập trung hơn trong giờ học, làm bài tập đầy đủ."}
    assert comments.near_duplicates(different) is None


# ------------------------------------------------------------------------------ subject comments


@pytest.mark.django_db
def test_the_subject_teacher_writes_comments_audited(world, rich):
    other = make_student(world.school, world.class_a, "Lê Thị Cúc", gender="F")
    teacher = world.actor("subject")
    changed = comments.subject_comments_save(
        actor=teacher,
        school_class=world.class_a,
        subject=world.math,
        term=world.term1,
        texts={world.student_a.pk: " Nắm vững  kiến thức. ", other.pk: ""},
    )
    assert changed == 1
    assert SubjectComment.objects.get().text == "Nắm vững kiến thức."
    comments.subject_comments_save(
        actor=teacher,
        school_class=world.class_a,
        subject=world.math,
        term=world.term1,
        texts={world.student_a.pk: ""},
    )
    assert not SubjectComment.objects.exists()
    events = AuditEvent.objects.filter(event_type="comments.subject_saved").order_by("seq")
    assert [e.after for e in events] == [
        {str(world.student_a.pk): "Nắm vững kiến thức."},
        {str(world.student_a.pk): None},
    ]
    for who in ("homeroom", "principal", "dept_head"):
        with pytest.raises(PermissionDenied):
            comments.subject_comments_save(
                actor=world.actor(who),
                school_class=world.class_a,
                subject=world.math,
                term=world.term1,
                texts={world.student_a.pk: "x"},
            )


@pytest.mark.django_db
def test_comments_are_frozen_once_the_term_is_approved(world, rich):
    fill_all(rich, world.student_a, 8)
    complete_inputs(world, world.student_a)
    sign_all(rich, terms=(1,))
    results_actions.class_result_confirm(
        actor=world.actor("homeroom"), school_class=world.class_a, period="term1"
    )
    results_actions.class_result_approve(
        actor=world.actor("principal"), school_class=world.class_a, period="term1"
    )
    with pytest.raises(DomainError) as exc:
        comments.subject_comments_save(
            actor=world.actor("subject"),
            school_class=world.class_a,
            subject=world.math,
            term=world.term1,
            texts={world.student_a.pk: "Tốt."},
        )
    assert exc.value.code == "APPROVED"


@pytest.mark.django_db
def test_the_subject_comments_page_warns_and_saves(client, world, rich):
    pupils = [world.student_a] + [
        make_student(world.school, world.class_a, f"Học Sinh Số{i}") for i in range(3)
    ]
    for p in pupils:
        put(world, p, world.math, world.term1, {"TX1": "8.0"})
    text = "Nắm vững kiến thức môn Toán, vận dụng linh hoạt vào bài tập."
    client.force_login(world.users["subject"])
    url = reverse(
        "gradebook:results_subject_comments",
        args=[world.class_a.pk, world.math.pk, world.term1.pk],
    )
    data = {f"c-{p.pk}": text for p in pupils[:2]}
    data[f"c-{pupils[2].pk}"] = ""
    data[f"pick-{pupils[2].pk}"] = text
    data[f"c-{pupils[3].pk}"] = "Cần cố gắng hơn khi làm bài kiểm tra."
    assert client.post(url, data).status_code == 302
    assert SubjectComment.objects.filter(text=text).count() == 3
    page = client.get(url).content.decode()
    assert 'data-testid="duplicates"' in page and "75%" in page
    client.force_login(world.users["homeroom"])
    assert client.get(url).status_code == 200  # the homeroom teacher reads
    assert client.post(url, data).status_code == 403
    client.force_login(world.users["outsider"])
    assert client.get(url).status_code == 404
