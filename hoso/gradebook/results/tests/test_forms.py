"""The homeroom page's forms parse what the page sends into the rows the action takes: only what
was sent, as sent; the comment bank's pick; the recognition checkbox's last value; the action's
errors back on the fields."""

from __future__ import annotations

from django.http import QueryDict

from hoso.assessment.rules import capabilities_for
from hoso.assessment.rules.tt27_2020 import CAPABILITIES as PRIMARY
from hoso.gradebook.results.forms import HomeroomInputsForm, HomeroomRowForm

SECONDARY = capabilities_for("TT22_2021")


def post(pairs: list[tuple[str, str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in pairs:
        data.appendlist(key, value)
    return data


def test_a_secondary_page_submits_the_rows_the_action_takes():
    # GIVEN what the page sends for two students (the second left untouched but for a re-test)
    data = post(
        [
            ("f-7-training_term1", "T"),
            ("f-7-training_term2", ""),
            ("f-7-absences_term1", "mười"),
            ("f-7-absences_term2", "0"),
            ("f-7-general_comment", "Em chăm ngoan."),
            ("pick-7", ""),
            ("f-8-general_comment", ""),
            ("f-8-retest-TOAN", "6,5"),
            ("f-8-retest-NV", ""),
        ]
    )
    # WHEN the form reads it
    form = HomeroomInputsForm(data, student_ids=[7, 8, 9], rules=SECONDARY)
    # THEN the rows are what was sent, as sent; a student with nothing sent has an empty row
    assert form.submitted() == {
        7: {
            "training_term1": "T",
            "training_term2": "",
            "absences_term1": "mười",
            "absences_term2": "0",
            "general_comment": "Em chăm ngoan.",
        },
        8: {"general_comment": "", "retest": {"TOAN": "6,5", "NV": ""}},
        9: {},
    }


def test_a_locked_field_is_disabled_and_absent_when_not_sent():
    # GIVEN term 1 approved: its cells are disabled and the browser sends nothing for them
    data = post([("f-7-training_term2", "K"), ("f-7-absences_term2", "1")])
    form = HomeroomInputsForm(
        data,
        student_ids=[7],
        rules=SECONDARY,
        locked={"training_term1", "absences_term1"},
    )
    # THEN the fields are disabled and left out of the row (the stored values stay)
    assert form[7].fields["training_term1"].disabled
    assert not form[7].fields["training_term2"].disabled
    assert form.submitted() == {7: {"training_term2": "K", "absences_term2": "1"}}


def test_a_value_sent_for_a_locked_field_goes_to_the_action_which_refuses_it():
    data = post([("f-7-training_term1", "CD")])
    form = HomeroomInputsForm(data, student_ids=[7], rules=SECONDARY, locked={"training_term1"})
    assert form.submitted() == {7: {"training_term1": "CD"}}


def test_an_empty_comment_with_a_picked_suggestion_submits_the_suggestion():
    picked = "Ngoan, lễ phép, chăm chỉ học tập."
    empty = HomeroomInputsForm(
        post([("f-7-general_comment", "  "), ("pick-7", picked)]),
        student_ids=[7],
        rules=SECONDARY,
    )
    typed = HomeroomInputsForm(
        post([("f-7-general_comment", "Em tiến bộ."), ("pick-7", picked)]),
        student_ids=[7],
        rules=SECONDARY,
    )
    unsent = HomeroomInputsForm(post([("pick-7", picked)]), student_ids=[7], rules=SECONDARY)
    assert empty.submitted() == {7: {"general_comment": picked}}
    assert typed.submitted() == {7: {"general_comment": "Em tiến bộ."}}
    assert unsent.submitted() == {7: {}}  # no comment sent (locked): the pick changes nothing
    assert empty[7]["pick"].html_name == "pick-7"


def test_a_primary_page_submits_the_checkpoint_s_traits_and_the_checkbox_s_last_value():
    # GIVEN the end-of-year grid: two selects, the hidden "0" then the ticked box
    data = post(
        [
            ("moc", "end2"),
            ("f-7-qualities-end2-cham_chi", "T"),
            ("f-7-competencies-end2-tin_hoc", ""),
            ("f-7-qualities-mid1-yeu_nuoc", "C"),  # another checkpoint: not this page's
            ("f-7-class_recognised", "0"),
            ("f-7-class_recognised", "1"),
            ("f-7-absences_term1", "2"),
            ("f-7-training_term1", "T"),  # no term training in this rule set
            ("f-8-class_recognised", "0"),
        ]
    )
    form = HomeroomInputsForm(data, student_ids=[7, 8], rules=PRIMARY, checkpoint="end2")
    assert form.submitted() == {
        7: {
            "absences_term1": "2",
            "qualities": {"end2": {"cham_chi": "T"}},
            "competencies": {"end2": {"tin_hoc": ""}},
            "class_recognised": "1",
        },
        8: {"class_recognised": "0"},
    }
    assert form[7]["qualities-end2-cham_chi"].html_name == "f-7-qualities-end2-cham_chi"


def test_a_locked_checkpoint_disables_its_selects_and_the_checkbox():
    form = HomeroomRowForm(
        student_id=7,
        rules=PRIMARY,
        checkpoint="end2",
        locked={"qualities_end2", "competencies_end2", "class_recognised"},
    )
    assert form.fields["qualities-end2-yeu_nuoc"].disabled
    assert form.fields["competencies-end2-tin_hoc"].disabled
    assert form.fields["class_recognised"].disabled
    assert form.submitted() == {}  # unbound: nothing sent


def test_the_action_s_errors_land_on_their_fields_the_cell_s_own_first():
    data = post(
        [
            ("f-7-absences_term1", "mười"),
            ("f-7-retest-TOAN", "11"),
            ("f-8-qualities-end2-cham_chi", "X"),
        ]
    )
    secondary = HomeroomInputsForm(
        data, student_ids=[7], rules=SECONDARY, retest_codes={7: ["TOAN", "NV"]}
    )
    secondary.attach_errors(
        {
            (7, "absences_term1"): "“mười” không phải là số buổi nghỉ.",
            (7, "retest"): "Kiểm tra lại: đã phê duyệt.",
            (7, "retest_TOAN"): "Môn Toán: sai.",
            (99, "absences_term1"): "not on this page",
        }
    )
    row = secondary[7]
    assert row.error("absences_term1") == "“mười” không phải là số buổi nghỉ."
    assert row.error("retest-TOAN") == "Môn Toán: sai."
    assert row.error("retest-NV") == "Kiểm tra lại: đã phê duyệt."
    assert row.error("general_comment") is None

    primary = HomeroomInputsForm(data, student_ids=[8], rules=PRIMARY, checkpoint="end2")
    primary.attach_errors(
        {
            (8, "competencies_end2"): "Năng lực cuối năm học: đã phê duyệt.",
            (8, "qualities_end2_cham_chi"): "Chăm chỉ: “X” không phải là mức đánh giá.",
        }
    )
    row = primary[8]
    assert row.error("qualities-end2-cham_chi") == "Chăm chỉ: “X” không phải là mức đánh giá."
    assert row.error("qualities-end2-yeu_nuoc") is None
    assert row.error("competencies-end2-tin_hoc") == "Năng lực cuối năm học: đã phê duyệt."
