from __future__ import annotations

from django import forms

from hoso.core.identity import check_phone, normalise_phone
from hoso.core.text import nfc
from hoso.students.models import Enrolment, Student, StudentGuardian

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StudentForm(forms.ModelForm):
    class Meta:
        model = Student
        fields = [
            "family_name",
            "middle_name",
            "given_name",
            "gender",
            "birth_date",
            "birth_place",
            "ethnicity",
            "nationality",
            "student_code",
            "personal_id",
            "address",
            "has_disability",
            "disability_note",
        ]
        widgets = {"birth_date": DATE_INPUT}

    def validate_unique(self):  # uniqueness is checked by the action, with a Vietnamese message
        pass


class GuardianForm(forms.Form):
    """Cha, mẹ hoặc người giám hộ: a blank name leaves the row out. The phone is checked here
    (10 digits from 0, as everywhere: ``core.identity.check_phone``) so "abc" is refused on its
    own field with what was typed kept."""

    full_name = forms.CharField(label="Họ và tên", max_length=200, required=False)
    relation = forms.ChoiceField(label="Quan hệ", choices=StudentGuardian.Relation.choices)
    phone = forms.CharField(
        label="Điện thoại",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    occupation = forms.CharField(label="Nghề nghiệp", max_length=120, required=False)

    def clean_phone(self) -> str:
        phone = normalise_phone(nfc(self.cleaned_data.get("phone")))
        problem = check_phone(phone)
        if problem:
            raise forms.ValidationError(problem)
        return phone

    def clean(self):
        data = super().clean()
        if not nfc(data.get("full_name")) and (data.get("phone") or nfc(data.get("occupation"))):
            self.add_error("full_name", "Nhập họ và tên người có số điện thoại, nghề nghiệp này.")
        return data


class EnrolmentEndForm(forms.Form):
    status = forms.ChoiceField(
        label="Lý do",
        choices=[
            (Enrolment.Status.TRANSFERRED_OUT, "Chuyển đi"),
            (Enrolment.Status.DROPPED_OUT, "Bỏ học"),
        ],
    )
    end_date = forms.DateField(label="Ngày", widget=DATE_INPUT)
    note = forms.CharField(label="Ghi chú (trường chuyển đến, quyết định…)", required=False)


class ClassChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class ChangeClassForm(forms.Form):
    """Chuyển lớp: the new class (same grade and year), the day, the reason."""

    school_class = ClassChoiceField(
        label="Chuyển sang lớp",
        queryset=None,
        error_messages={"required": "Chọn lớp chuyển đến.", "invalid_choice": "Lớp không hợp lệ."},
    )
    on = forms.DateField(
        label="Từ ngày",
        widget=DATE_INPUT,
        error_messages={"required": "Nhập ngày chuyển lớp.", "invalid": "Ngày không hợp lệ."},
    )
    reason = forms.CharField(label="Lý do", max_length=250, required=False)

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes


class ReturnForm(ChangeClassForm):
    """Trở lại học: the class (the grade the student left), the day, the reason."""

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, classes=classes, **kwargs)
        self.fields["school_class"].label = "Vào lớp"
        self.fields["on"].error_messages["required"] = "Nhập ngày trở lại học."
