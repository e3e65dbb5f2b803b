"""The homeroom teacher's page as forms: one :class:`HomeroomRowForm` per student (prefix
``f-<student id>``) and :class:`HomeroomInputsForm` over the class, whose :meth:`submitted` is the
``rows`` argument of :func:`~hoso.gradebook.results.actions.homeroom_inputs_save`.

The forms only parse and shape what the page sent; the action validates (and says why in
Vietnamese), and its errors come back onto the fields with :meth:`HomeroomInputsForm.attach_errors`.
Only what was sent is submitted: a locked cell is a disabled control that sends nothing, so its
stored value is left alone. A value sent anyway for a locked field still goes to the action, which
refuses to change an approved period (``APPROVED``) — the form does not repeat that check."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from django import forms

from hoso.assessment.rules.capabilities import Capabilities
from hoso.gradebook.results.compute import TRAIT_CODES, TRAIT_KINDS, TRAIT_LEVEL_SHORT

TRAINING_CHOICES = [("", "—"), ("T", "T"), ("K", "K"), ("D", "Đ"), ("CD", "CĐ")]
TRAIT_CHOICES = [("", "—")] + [(code, TRAIT_LEVEL_SHORT[code]) for code in TRAIT_LEVEL_SHORT]

TRAINING_FIELDS = ("training_term1", "training_term2", "training_summer")
ABSENCE_FIELDS = ("absences_term1", "absences_term2")
RETEST_PREFIX = "retest-"


class LastValueCheckbox(forms.CheckboxInput):
    """A checkbox preceded by a hidden "0" of the same name: the last value sent is the box's
    state ("1" when ticked, "0" when not); nothing sent when both are disabled."""

    def value_from_datadict(self, data, files, name):
        if name not in data:
            return None
        values = data.getlist(name) if hasattr(data, "getlist") else data[name]
        if isinstance(values, list | tuple):
            return values[-1] if values else None
        return values

    def value_omitted_from_data(self, data, files, name):
        return name not in data


def _raw(widget: forms.Widget) -> forms.Field:
    """A field that keeps the text sent as it is: no cleaning, no validation (the action's job)."""
    return forms.Field(required=False, widget=widget)


def trait_name(kind: str, checkpoint: str, code: str) -> str:
    """The form field of one quality or competency at one checkpoint: ``qualities-end2-cham_chi``
    (the page's control is ``f-<sid>-qualities-end2-cham_chi``)."""
    return f"{kind}-{checkpoint}-{code}"


class HomeroomRowForm(forms.Form):
    """One student's row. Its fields follow the rule set: term and summer training when it has
    ``term_training``, re-tests (one field per subject of ``retest_codes`` and per code sent) when it has ``retest``,
    qualities and competencies of ``checkpoint`` and the class's recognition when it has
    ``trait_checkpoints``; absences and the general comment (with the bank's suggestion, sent as
    ``pick-<sid>``) always. Fields in ``locked`` are disabled."""

    def __init__(
        self,
        data: Mapping | None = None,
        *,
        student_id: int,
        rules: Capabilities,
        checkpoint: str = "",
        locked: Iterable[str] = (),
        retest_codes: Iterable[str] = (),
    ):
        super().__init__(data, prefix=f"f-{student_id}")
        self.student_id = student_id
        self.checkpoint = checkpoint
        locked = set(locked)
        fields: dict[str, forms.Field] = {}
        if rules.term_training:
            for name in TRAINING_FIELDS:
                fields[name] = _raw(forms.Select(choices=TRAINING_CHOICES))
                fields[name].disabled = name in locked
        for name in ABSENCE_FIELDS:
            fields[name] = _raw(forms.TextInput(attrs={"inputmode": "numeric", "size": 3}))
            fields[name].disabled = name in locked
        fields["general_comment"] = _raw(forms.Textarea(attrs={"rows": 2, "cols": 36}))
        fields["general_comment"].disabled = "general_comment" in locked
        fields["pick"] = _raw(forms.Select())
        if rules.retest:
            start = f"{self.prefix}-{RETEST_PREFIX}"
            sent = [key[len(start) :] for key in data or () if key.startswith(start)]
            for code in dict.fromkeys([*retest_codes, *sent]):
                fields[RETEST_PREFIX + code] = _raw(forms.TextInput(attrs={"size": 4}))
                fields[RETEST_PREFIX + code].disabled = "retest" in locked
        if rules.trait_checkpoints and checkpoint:
            for kind in TRAIT_KINDS:
                disabled = f"{kind}_{checkpoint}" in locked
                for code in TRAIT_CODES[kind]:
                    name = trait_name(kind, checkpoint, code)
                    fields[name] = _raw(forms.Select(choices=TRAIT_CHOICES))
                    fields[name].disabled = disabled
            fields["class_recognised"] = _raw(LastValueCheckbox())
            fields["class_recognised"].disabled = "class_recognised" in locked
        self.fields = fields

    def add_prefix(self, field_name: str) -> str:
        # The comment bank's suggestion is sent as pick-<sid>, outside the row's prefix.
        if field_name == "pick":
            return f"pick-{self.student_id}"
        return super().add_prefix(field_name)

    def sent(self, name: str) -> bool:
        """Whether the page sent this field (a disabled control sends nothing)."""
        return name in self.fields and not self.fields[name].widget.value_omitted_from_data(
            self.data, self.files, self.add_prefix(name)
        )

    def submitted(self) -> dict[str, object]:
        """The row as :func:`homeroom_inputs_save` takes it: only the fields sent, as sent. An
        empty comment with a picked suggestion submits the suggestion."""
        if not self.is_bound:
            return {}
        row: dict[str, object] = {}
        for name in (*TRAINING_FIELDS, *ABSENCE_FIELDS):
            if self.sent(name):
                row[name] = self[name].data
        if self.sent("general_comment"):
            text = self["general_comment"].data
            pick = self["pick"].data or ""
            row["general_comment"] = pick if pick and not text.strip() else text
        retest = {
            name[len(RETEST_PREFIX) :]: self[name].data
            for name in self.fields
            if name.startswith(RETEST_PREFIX) and self.sent(name)
        }
        if retest:
            row["retest"] = retest
        for kind in TRAIT_KINDS:
            levels = {
                code: self[trait_name(kind, self.checkpoint, code)].data
                for code in TRAIT_CODES[kind]
                if self.sent(trait_name(kind, self.checkpoint, code))
            }
            if levels:
                row[kind] = {self.checkpoint: levels}
        if self.sent("class_recognised"):
            row["class_recognised"] = self["class_recognised"].data
        return row

    def fields_of(self, key: str) -> tuple[list[str], bool]:
        """The fields an action's error key names, and whether the key names them exactly:
        ``absences_term1``; ``retest_<code>`` (or ``retest``: every re-test);
        ``<kind>_<checkpoint>_<code>`` (or ``<kind>_<checkpoint>``, ``<kind>``: the whole kind)."""
        if key in self.fields:
            return [key], True
        if key.startswith("retest_") and RETEST_PREFIX + key[len("retest_") :] in self.fields:
            return [RETEST_PREFIX + key[len("retest_") :]], True
        if key == "retest":
            return [n for n in self.fields if n.startswith(RETEST_PREFIX)], False
        for kind in TRAIT_KINDS:
            if key != kind and not key.startswith(f"{kind}_"):
                continue
            checkpoint, _, code = key[len(kind) + 1 :].partition("_")
            if code:
                name = trait_name(kind, checkpoint, code)
                return ([name] if name in self.fields else []), True
            if checkpoint in ("", self.checkpoint):
                return [trait_name(kind, self.checkpoint, c) for c in TRAIT_CODES[kind]], False
        return [], True

    def error(self, name: str) -> str | None:
        """The first error of a field (the page shows one per cell), or None."""
        errors = self.errors.get(name) if self.is_bound else None
        return errors[0] if errors else None


class HomeroomInputsForm:
    """The class's rows, one :class:`HomeroomRowForm` per student, in the page's order."""

    def __init__(
        self,
        data: Mapping | None = None,
        *,
        student_ids: Iterable[int],
        rules: Capabilities,
        checkpoint: str = "",
        locked: Iterable[str] = (),
        retest_codes: Mapping[int, Iterable[str]] | None = None,
    ):
        locked = frozenset(locked)
        retest_codes = retest_codes or {}
        self.is_bound = data is not None
        self.forms = {
            sid: HomeroomRowForm(
                data,
                student_id=sid,
                rules=rules,
                checkpoint=checkpoint,
                locked=locked,
                retest_codes=retest_codes.get(sid, ()),
            )
            for sid in student_ids
        }

    def __iter__(self) -> Iterator[HomeroomRowForm]:
        return iter(self.forms.values())

    def __getitem__(self, student_id: int) -> HomeroomRowForm:
        return self.forms[student_id]

    def submitted(self) -> dict[int, dict[str, object]]:
        """``{student id: row}`` for :func:`homeroom_inputs_save` (every student of the page,
        each row with only what was sent)."""
        return {sid: form.submitted() for sid, form in self.forms.items()}

    def attach_errors(self, errors: Mapping[tuple[int, str], str]) -> None:
        """Put the action's errors (``(student id, key)`` → message) on the fields they name: a
        cell's own error first, then its field's or kind's. One naming no field of the page goes to
        the row's non-field errors."""
        placed = []
        for (sid, key), message in errors.items():
            form = self.forms.get(sid)
            if form is None:
                continue
            names, exact = form.fields_of(key)
            placed.append((not exact, form, names, message))
        for _broad, form, names, message in sorted(placed, key=lambda p: p[0]):
            for name in names or [None]:
                form.add_error(name, message)
