"""Primary results (TT27): GIVEN a grade-2 class with its subject levels and tests, WHEN the
homeroom teacher enters the 5 qualities and 10 competencies (T / Đ / C) and the class's
recognition, THEN the rule set gives the educational result (HTXS / HTT / HT / CHT), the title and
completion; bad levels are refused all or nothing; approved results are frozen; only the class's
homeroom teacher enters them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from hoso.audit.models import AuditEvent
from hoso.gradebook.results import actions as results_actions
from hoso.gradebook.results.compute import class_results, recompute_class
from hoso.gradebook.results.models import ClassResult, HomeroomInput, StudentResult
from hoso.gradebook.tests.results_helpers import (
    all_traits,
    inputs,
    primary_grades,
    primary_school,
)
from hoso.testing.factories import make_student


@pytest.fixture
def primary(world):
    return primary_school(world)


@pytest.fixture
def pupil(primary):
    return make_student(primary.world.school, primary.school_class, "Phan Minh Châu")


def result(primary, student, period="year") -> dict:
    return StudentResult.objects.get(
        class_result__school_class=primary.school_class,
        class_result__period=period,
        student=student,
    ).data


def save(primary, rows):
    return results_actions.homeroom_inputs_save(
        actor=primary.actor(), school_class=primary.school_class, rows=rows
    )


def complete(primary, student, *, level="T", recognised=False, **overrides):
    """Absences and every quality and competency at ``level`` (``overrides``: code → level)."""
    inputs(
        primary.world,
        student,
        absences_term1=0,
        absences_term2=1,
        class_recognised=recognised,
        **all_traits(level, **overrides),
    )


# ------------------------------------------------------------------------------ the rule set


@pytest.mark.django_db
@pytest.mark.parametrize(
    "levels,tests,traits,overall",
    [
        ({}, {}, {}, "HTXS"),  # every subject T, every trait T, every test ≥ 9
        ({}, {"TOAN": 8}, {}, "HTT"),  # one test 8 < 9
        ({}, {"TOAN": 7}, {}, "HTT"),  # 7 is still "Hoàn thành tốt"
        ({}, {"TOAN": 6}, {}, "HT"),  # 6 < 7
        ({}, {}, {"trung_thuc": "D"}, "HT"),  # one quality Đạt
        ({"DAO_DUC": "H"}, {}, {}, "HT"),  # one subject Hoàn thành
        ({}, {"TIENG_VIET": 5}, {"tin_hoc": "D"}, "HT"),  # 5 is still "Hoàn thành"
        ({}, {"TIENG_VIET": 4}, {}, "CHT"),  # 4 < 5
        ({}, {}, {"the_chat": "C"}, "CHT"),  # one competency "Cần cố gắng"
        ({"TOAN": "C"}, {}, {}, "CHT"),  # one subject "Chưa hoàn thành"
    ],
)
def test_complete_inputs_give_the_overall_result_on_both_sides_of_the_thresholds(
    primary, pupil, levels, tests, traits, overall
):
    primary_grades(primary, pupil, levels=levels, tests=tests)
    complete(primary, pupil, **traits)
    recompute_class(primary.school_class)
    data = result(primary, pupil)
    assert data["errors"] == [] and data["qualities_missing"] is False
    assert data["overall"] == overall
    assert data["title"] == ("XUAT_SAC" if overall == "HTXS" else None)
    assert data["completed"] is (overall != "CHT")
    assert data["supplementary_assessment"] is (overall == "CHT")
    assert data["qualities"]["yeu_nuoc"] == "T" and len(data["competencies"]) == 10
    lists = class_results(primary.school_class, "year").lists()
    assert [r.student for r in lists["promotion"]] == ([] if overall == "CHT" else [pupil])
    assert [r.student for r in lists["repeat"]] == ([pupil] if overall == "CHT" else [])


@pytest.mark.django_db
def test_class_recognition_gives_tieu_bieu_only_with_htt(primary):
    names = ["An Hoàn Thành Tốt", "Bình Xuất Sắc", "Cúc Hoàn Thành", "Dũng Không Công Nhận"]
    pupils = [make_student(primary.world.school, primary.school_class, n) for n in names]
    for pupil, tests, recognised in zip(
        pupils, [{"TOAN": 8}, {}, {"TOAN": 6}, {"TOAN": 8}], [True, True, True, False], strict=True
    ):
        primary_grades(primary, pupil, tests=tests)
        complete(primary, pupil, recognised=recognised)
    recompute_class(primary.school_class)
    got = [(result(primary, p)["overall"], result(primary, p)["title"]) for p in pupils]
    assert got == [("HTT", "TIEU_BIEU"), ("HTXS", "XUAT_SAC"), ("HT", None), ("HTT", None)]
    titles = class_results(primary.school_class, "year").lists()["titles"]
    assert sorted(r.student.pk for r in titles) == sorted([pupils[0].pk, pupils[1].pk])

    # Withdrawing the class's recognition (through the form's action) withdraws the title.
    save(primary, {pupils[0].pk: {"class_recognised": "0"}})
    assert result(primary, pupils[0])["title"] is None
    assert HomeroomInput.objects.get(student=pupils[0]).class_recognised is False


@pytest.mark.django_db
def test_missing_or_partial_traits_leave_the_result_open(primary, pupil):
    primary_grades(primary, pupil)
    inputs(primary.world, pupil, absences_term1=0, absences_term2=0)
    recompute_class(primary.school_class)
    data = result(primary, pupil)
    assert data["overall"] is None and data["qualities_missing"] is True
    messages = [e["message"] for e in data["errors"]]
    assert "Chưa nhập đánh giá phẩm chất cuối năm học (giáo viên chủ nhiệm nhập)." in messages
    assert not any("(qualities)" in m or "(competencies)" in m for m in messages)

    partial = all_traits("T")
    del partial["competencies"]["end2"]["tham_mi"]
    inputs(primary.world, pupil, **partial)
    recompute_class(primary.school_class)
    data = result(primary, pupil)
    assert data["overall"] is None and data["qualities_missing"] is True
    assert [e["message"] for e in data["errors"]] == ["Năng lực thẩm mĩ: chưa có mức."]


@pytest.mark.django_db
def test_term1_shows_the_end_of_term1_traits_without_blocking(primary, pupil):
    primary_grades(primary, pupil, term=1)
    inputs(primary.world, pupil, absences_term1=2)
    recompute_class(primary.school_class)
    term1 = result(primary, pupil, "term1")
    assert term1["errors"] == [] and term1["qualities_missing"] is True
    assert [w["message"] for w in term1["warnings"]] == [
        "Chưa nhập đủ đánh giá phẩm chất, năng lực cuối học kì I."
    ]
    save(primary, {pupil.pk: all_traits("D", checkpoint="end1")})
    term1 = result(primary, pupil, "term1")
    assert term1["warnings"] == [] and term1["qualities"]["nhan_ai"] == "D"
    assert result(primary, pupil)["qualities_missing"] is True  # the year needs end2


# ------------------------------------------------------------------------------ the action


@pytest.mark.django_db
def test_traits_are_normalised_audited_and_recomputed(primary, pupil):
    primary_grades(primary, pupil, tests={"TOAN": 8})
    inputs(primary.world, pupil, absences_term1=0, absences_term2=0)
    recompute_class(primary.school_class)
    typed = all_traits("tốt")
    typed["qualities"]["end2"].update(nhan_ai="T", cham_chi="t", trung_thuc=" Tốt ")
    save(primary, {pupil.pk: {**typed, "class_recognised": "1"}})
    hi = HomeroomInput.objects.get(student=pupil)
    assert hi.qualities == {"end2": dict.fromkeys(hi.qualities["end2"], "T")}
    assert len(hi.qualities["end2"]) == 5 and len(hi.competencies["end2"]) == 10
    assert hi.class_recognised is True and hi.updated_by == primary.homeroom
    data = result(primary, pupil)
    assert (data["overall"], data["title"]) == ("HTT", "TIEU_BIEU")

    # One level changes: the audit row names that code only, before and after.
    save(primary, {pupil.pk: {"competencies": {"end2": {"giao_tiep_hop_tac": "đ"}}}})
    event = AuditEvent.objects.filter(event_type="results.inputs_saved").latest("seq")
    assert event.before == {str(pupil.pk): {"competencies_end2": {"giao_tiep_hop_tac": "T"}}}
    assert event.after == {str(pupil.pk): {"competencies_end2": {"giao_tiep_hop_tac": "D"}}}
    assert event.target_repr == "Phẩm chất, năng lực, nghỉ học, nhận xét — lớp 2A"
    assert (result(primary, pupil)["overall"], result(primary, pupil)["title"]) == ("HT", None)

    # An empty level clears it (not entered yet).
    save(primary, {pupil.pk: {"qualities": {"end2": {"yeu_nuoc": ""}}}})
    assert "yeu_nuoc" not in HomeroomInput.objects.get(student=pupil).qualities["end2"]
    assert result(primary, pupil)["qualities_missing"] is True


@pytest.mark.django_db
def test_bad_levels_are_refused_all_or_nothing(primary, pupil, typed_absences):
    sid = pupil.pk
    with pytest.raises(results_actions.InputsInvalid) as exc:
        save(
            primary,
            {
                sid: {
                    "qualities": {"end2": {"yeu_nuoc": "Giỏi", "nhan_ai": "T"}},
                    "competencies": {"end2": {"bay_luon": "T"}, "cuoi_tuan": {"ngon_ngu": "T"}},
                    "class_recognised": "có lẽ",
                    "absences_term1": "2",
                }
            },
        )
    assert exc.value.code == "BAD_INPUT"
    assert set(exc.value.errors) == {
        (sid, "qualities_end2_yeu_nuoc"),
        (sid, "competencies_end2_bay_luon"),
        (sid, "competencies_cuoi_tuan"),
        (sid, "class_recognised"),
    }
    assert "T = Tốt, Đ = Đạt, C = Cần cố gắng" in exc.value.errors[(sid, "qualities_end2_yeu_nuoc")]
    assert exc.value.errors[(sid, "qualities_end2_yeu_nuoc")].startswith("Yêu nước:")
    assert not HomeroomInput.objects.exists()
    assert not AuditEvent.objects.filter(event_type="results.inputs_saved").exists()


@pytest.mark.django_db
def test_approved_periods_freeze_their_checkpoints(primary, pupil):
    primary_grades(primary, pupil)
    complete(primary, pupil)
    recompute_class(primary.school_class)
    frozen = result(primary, pupil)
    ClassResult.objects.filter(school_class=primary.school_class, period="year").update(
        state=ClassResult.State.APPROVED,
        approved_by=primary.world.users["principal"],
        approved_at=timezone.now(),
    )
    for rows, field in [
        (all_traits("D"), "qualities_end2"),
        (all_traits("D", checkpoint="end1"), "qualities_end1"),
        ({"class_recognised": True}, "class_recognised"),
    ]:
        with pytest.raises(results_actions.InputsInvalid) as exc:
            save(primary, {pupil.pk: rows})
        assert "đã được phê duyệt" in exc.value.errors[(pupil.pk, field)]
    # Behind the form's back: recomputation leaves the approved row as it was.
    HomeroomInput.objects.filter(student=pupil).update(**all_traits("C"))
    assert recompute_class(primary.school_class).frozen == 1
    assert result(primary, pupil) == frozen


@pytest.mark.django_db
def test_only_the_homeroom_teacher_of_the_class_enters_traits(primary, pupil):
    world = primary.world
    for who in ("homeroom", "principal", "vice", "subject"):  # homeroom: of 6A1, not of 2A
        with pytest.raises(PermissionDenied):
            results_actions.homeroom_inputs_save(
                actor=world.actor(who),
                school_class=primary.school_class,
                rows={pupil.pk: all_traits("T")},
            )
    assert not HomeroomInput.objects.exists()


# ------------------------------------------------------------------------------ the pages


def inputs_url(primary, checkpoint="end2"):
    url = reverse("gradebook:results_inputs", args=[primary.school_class.pk])
    return f"{url}?moc={checkpoint}" if checkpoint else url


@pytest.mark.django_db
def test_the_grid_has_fifteen_selects_per_pupil_and_fill_helpers(client, primary, pupil):
    client.force_login(primary.homeroom)
    html = client.get(inputs_url(primary)).content.decode()
    grid = html.split('<table data-testid="traits">')[1].split("</table>")[0]
    assert grid.count(f'name="f-{pupil.pk}-qualities-end2-') == 5
    assert grid.count(f'name="f-{pupil.pk}-competencies-end2-') == 10
    assert grid.count('aria-label="Điền cả cột:') == 15
    assert f'name="f-{pupil.pk}-class_recognised"' in grid  # end of year only
    assert "Điền T vào mọi ô còn trống" in html
    mid = client.get(inputs_url(primary, "mid1")).content.decode()
    assert f'name="f-{pupil.pk}-qualities-mid1-yeu_nuoc"' in mid
    assert (
        "class_recognised" not in mid.split('<table data-testid="traits">')[1].split("</table>")[0]
    )


@pytest.mark.django_db
def test_the_grid_keeps_what_was_typed_on_error_then_saves(client, primary, pupil, typed_absences):
    primary_grades(primary, pupil)
    client.force_login(primary.homeroom)
    form = {"moc": "end2", f"f-{pupil.pk}-absences_term1": "0", f"f-{pupil.pk}-absences_term2": "0"}
    for kind, levels in all_traits("T").items():
        for code, level in levels["end2"].items():
            form[f"f-{pupil.pk}-{kind}-end2-{code}"] = level
    form[f"f-{pupil.pk}-qualities-end2-cham_chi"] = "X"
    form[f"f-{pupil.pk}-class_recognised"] = ["0", "1"]
    page = client.post(inputs_url(primary, ""), form)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chăm chỉ: “X” không phải là mức đánh giá" in html
    assert '<option value="X" selected>X</option>' in html
    assert html.count('<option value="T" selected>T</option>') >= 14
    assert 'value="1" aria-label="Được tập thể lớp công nhận — Phan Minh Châu" checked' in html
    assert not HomeroomInput.objects.exists()

    form[f"f-{pupil.pk}-qualities-end2-cham_chi"] = "T"
    response = client.post(inputs_url(primary, ""), form)
    assert response.status_code == 302 and response["Location"].endswith("?moc=end2")
    hi = HomeroomInput.objects.get()
    assert hi.class_recognised and len(hi.qualities["end2"]) == 5
    page = client.get(
        reverse("gradebook:results_class_period", args=[primary.school_class.pk, "year"])
    )
    html = page.content.decode()
    assert "Hoàn thành xuất sắc" in html and "Học sinh Xuất sắc" in html
    assert "PC: 5T · NL: 10T" in html
    assert 'data-testid="qualities-missing"' not in html
    assert "Chưa nhập phẩm chất, năng lực" not in html


@pytest.mark.django_db
def test_the_class_page_says_who_still_lacks_traits(client, primary, pupil):
    primary_grades(primary, pupil)
    recompute_class(primary.school_class, trigger="grades")
    client.force_login(primary.homeroom)
    url = reverse("gradebook:results_class_period", args=[primary.school_class.pk, "year"])
    html = client.get(url).content.decode()
    assert 'data-testid="qualities-missing"' in html and "1 học sinh chưa có đủ" in html
    assert "Nhập phẩm chất, năng lực, nghỉ học, nhận xét" in html


@pytest.mark.django_db
@pytest.mark.parametrize("who,status", [("subject", 404), ("homeroom", 404), ("principal", 403)])
def test_who_opens_the_primary_grid(client, primary, pupil, who, status):
    client.force_login(primary.world.users[who])
    assert client.get(inputs_url(primary)).status_code == status
    form = {"moc": "end2", f"f-{pupil.pk}-qualities-end2-yeu_nuoc": "T"}
    assert client.post(inputs_url(primary, ""), form).status_code == status
    assert not HomeroomInput.objects.exists()
    kind = "access.not_found" if status == 404 else "access.forbidden"
    assert AuditEvent.objects.filter(event_type=kind, actor=primary.world.users[who]).exists()


def test_grade_4_mid_term_tests_reach_the_rule_set(primary, pupil):
    """GIVEN a grade-4 class, WHEN Toán has its two mid-term tests and Tiếng Việt none, THEN the
    rule set warns about Tiếng Việt only, and the year result does not depend on it."""
    from hoso.gradebook.tests.results_helpers import put

    grade = primary.school_class.grade
    grade.number = 4
    grade.save()
    primary_grades(primary, pupil)
    put(
        primary.world,
        pupil,
        primary.subjects["TOAN"],
        primary.terms[1],
        {"KT_mid1": "8"},
        school_class=primary.school_class,
    )
    put(
        primary.world,
        pupil,
        primary.subjects["TOAN"],
        primary.terms[2],
        {"KT_mid2": "9"},
        school_class=primary.school_class,
    )
    complete(primary, pupil)
    recompute_class(primary.school_class)
    data = result(primary, pupil)
    text = str(data)
    assert "Tiếng Việt (lớp 4): chưa có điểm bài kiểm tra định kì giữa học kì I" in text
    assert "Tiếng Việt (lớp 4): chưa có điểm bài kiểm tra định kì giữa học kì II" in text
    assert "Toán (lớp 4): chưa có điểm" not in text
