"""Forms of the staff register, built from the field catalogue. They only carry what was typed:
every check is the action's (one set of rules for the page and an importer), and its problems
come back beside each field. No ``maxlength``: a browser would cut a pasted text silently; the
action refuses an over-long one with a message instead."""

from __future__ import annotations

from django import forms

from hoso.organisation.models import Department, Position, Staff, StaffRegisterEdition
from hoso.organisation.staff.fields import FIELDS, SECTIONS, RegisterField, json_value, stored_value

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _DisabledOptions:
    """Options outside ``enabled`` are shown but cannot be chosen (the action refuses them
    anyway, with its reason)."""

    def __init__(self, *args, enabled=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.enabled = enabled

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if self.enabled is not None and value not in ("", None) and value not in self.enabled:
            option["attrs"]["disabled"] = True
        return option


class SelectWithDisabled(_DisabledOptions, forms.Select):
    pass


class CheckboxesWithDisabled(_DisabledOptions, forms.CheckboxSelectMultiple):
    pass


def _form_field(field: RegisterField, *, school, positions_enabled=None) -> forms.Field:
    attrs = {"autocomplete": "off"}
    kind = field.kind
    common = {"label": field.label, "required": False, "help_text": field.help}
    if kind == "bool":
        return forms.BooleanField(**common)
    if kind == "date":
        return forms.CharField(widget=DATE_INPUT, **common)
    if kind == "choice":
        choices = [("", "— chọn —")] + field.choices
        widget = (
            SelectWithDisabled(enabled=positions_enabled)
            if field.name == "position"
            else forms.Select
        )
        return forms.ChoiceField(choices=choices, widget=widget, **common)
    if kind == "department":
        choices = [("", "— không —")] + [
            (str(d.pk), d.name) for d in Department.objects.filter(school=school)
        ]
        return forms.ChoiceField(choices=choices, **common)
    if kind == "long_text":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), strip=False, **common)
    if kind in ("int", "decimal", "id_number", "phone"):
        attrs["inputmode"] = "numeric" if kind != "decimal" else "decimal"
    if kind == "email":
        attrs["inputmode"] = "email"
    return forms.CharField(widget=forms.TextInput(attrs=attrs), strip=False, **common)


class StaffForm(forms.Form):
    """Every register field the actor may write (``personal``), grouped in sections. Without
    ``with_position`` the position is left to the positions page."""

    wide = ("hometown", "address", "awards", "discipline")  # a whole row on a laptop

    def __init__(
        self,
        *args,
        school,
        personal: bool,
        with_position: bool = True,
        positions_enabled=None,
        with_account: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.register_fields = [
            f
            for f in FIELDS
            if (personal or not f.personal) and (with_position or f.name != "position")
        ]
        for f in self.register_fields:
            self.fields[f.name] = _form_field(f, school=school, positions_enabled=positions_enabled)
            self.fields[f.name].required_mark = f.required
        self.with_account = with_account
        if with_account:
            self.fields["create_account"] = forms.BooleanField(
                label="Tạo tài khoản đăng nhập cho người này", required=False
            )
            self.fields["username"] = forms.CharField(
                label="Tên đăng nhập",
                required=False,
                help_text="Để trống: hệ thống đề xuất từ họ tên (tên + chữ cái đầu của họ, đệm).",
            )

    def sections(self):
        """[(label, [bound fields])] in the register's order (for the template)."""
        out = []
        for key, label in SECTIONS:
            bound = [self[f.name] for f in self.register_fields if f.section == key]
            if bound:
                out.append((label, bound))
        return out

    def register_values(self) -> dict:
        return {f.name: self.cleaned_data.get(f.name) for f in self.register_fields}


def initial_of(staff: Staff) -> dict:
    """The person's values as the form shows them (dates ISO for the date inputs, 4,68)."""
    out = {}
    for f in FIELDS:
        value = stored_value(staff, f.name)
        if f.kind == "decimal" and value is not None:
            value = str(json_value(value)).replace(".", ",")
        elif f.kind == "department":
            value = str(value) if value else ""
        elif f.kind == "date":
            value = value.isoformat() if value else ""
        elif value is None:
            value = ""
        out[f.name] = value
    return out


class EndForm(forms.Form):
    end_date = forms.CharField(label="Ngày thôi công tác", widget=DATE_INPUT, required=False)
    end_reason = forms.ChoiceField(
        label="Lý do", choices=[("", "— chọn —")] + list(Staff.EndReason.choices), required=False
    )
    note = forms.CharField(
        label="Ghi chú (số quyết định, nơi chuyển đến…)", required=False, strip=False
    )


class RehireForm(forms.Form):
    start_date = forms.CharField(label="Ngày trở lại công tác", widget=DATE_INPUT, required=False)
    position = forms.ChoiceField(label="Chức vụ", choices=Position.choices)
    note = forms.CharField(label="Ghi chú (số quyết định…)", required=False, strip=False)

    def __init__(self, *args, positions_enabled=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].widget = SelectWithDisabled(
            choices=Position.choices, enabled=positions_enabled
        )


class PositionsForm(forms.Form):
    position = forms.ChoiceField(label="Chức vụ chính", choices=Position.choices)
    extra = forms.MultipleChoiceField(
        label="Kiêm nhiệm",
        choices=Position.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, positions_enabled=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].widget = SelectWithDisabled(
            choices=Position.choices, enabled=positions_enabled
        )
        self.fields["extra"].widget = CheckboxesWithDisabled(
            choices=Position.choices, enabled=positions_enabled
        )


class EditionForm(forms.Form):
    kind = forms.ChoiceField(label="Bản sổ", choices=StaffRegisterEdition.Kind.choices)
    note = forms.CharField(label="Ghi chú", required=False, strip=False)
