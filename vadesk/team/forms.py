"""Forms of the team pages: they clean input, the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vadesk.team.models import WEEKDAY_KEYS, Absence, HolidayCountry, Interest

WEEKDAY_LABELS = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))


def _pairs(text: str, *, numbers: bool) -> dict:
    """ "agenda 4, medisch 3" or "nl native, de working" → a dict (the services check names and levels)."""
    out: dict = {}
    for chunk in text.replace(";", ",").split(","):
        parts = chunk.split()
        if not parts:
            continue
        if len(parts) < 2:
            raise forms.ValidationError(_("Write each entry as a name and a level, e.g. “agenda 4”."))
        name, level = " ".join(parts[:-1]), parts[-1]
        if numbers:
            try:
                out[name] = int(level)
            except ValueError:
                raise forms.ValidationError(_("%(level)s is not a level 1 to 5.") % {"level": level}) from None
        else:
            out[name] = level.lower()
    return out


def pairs_text(values: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in values.items())


class ProfileForm(forms.Form):
    skills = forms.CharField(
        label=_("Skills with level 1–5"), required=False, max_length=2000, help_text=_("e.g. agenda 4, medisch 3")
    )
    languages = forms.CharField(
        label=_("Languages with level"),
        required=False,
        max_length=500,
        help_text=_("native, fluent, working or basic; e.g. nl native, de working"),
    )
    sectors = forms.CharField(label=_("Sectors"), required=False, max_length=1000, help_text=_("comma separated"))
    region = forms.CharField(label=_("Region (for on-site visits)"), required=False, max_length=100)
    holiday_country = forms.ChoiceField(label=_("Public holidays of"), choices=HolidayCountry.choices)
    holiday_subdivision = forms.CharField(label=_("State or region"), required=False, max_length=10)
    target_utilisation = forms.IntegerField(label=_("Target utilisation (%)"), min_value=0, max_value=100)

    def clean_skills(self) -> dict:
        return _pairs(self.cleaned_data["skills"], numbers=True)

    def clean_languages(self) -> dict:
        return _pairs(self.cleaned_data["languages"], numbers=False)

    def clean_sectors(self) -> list:
        return [s.strip() for s in self.cleaned_data["sectors"].split(",") if s.strip()]


class PatternForm(forms.Form):
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key, label in zip(WEEKDAY_KEYS, WEEKDAY_LABELS, strict=True):
            self.fields[f"{key}_start"] = forms.TimeField(
                label=label, required=False, widget=forms.TimeInput(attrs={"type": "time"})
            )
            self.fields[f"{key}_end"] = forms.TimeField(
                label=_("until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
            )

    def days(self) -> dict:
        out = {}
        for key in WEEKDAY_KEYS:
            start, end = self.cleaned_data.get(f"{key}_start"), self.cleaned_data.get(f"{key}_end")
            if start or end:
                out[key] = [start.strftime("%H:%M") if start else "", end.strftime("%H:%M") if end else ""]
        return out


class AbsenceForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Who"), coerce=int)
    kind = forms.ChoiceField(label=_("Type"), choices=Absence.Kind.choices)
    start_date = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    part = forms.ChoiceField(label=_("Part of the day"), choices=Absence.Part.choices)
    hours = forms.DecimalField(label=_("Hours per day"), required=False, max_digits=4, decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    open_work = forms.TypedChoiceField(
        label=_("Open tasks meanwhile"),
        choices=Absence.OpenWork.choices,
        initial=Absence.OpenWork.COVER,
        required=False,
        empty_value=Absence.OpenWork.COVER,
        help_text=_("Whole days only; what is untouched comes back when the absence ends."),
    )

    def __init__(self, *args, people: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(p.pk, str(p)) for p in people]


class NeedsForm(forms.Form):
    needs = forms.CharField(
        label=_("Skills needed with level 1–5"), required=False, max_length=1000, help_text=_("e.g. agenda 3")
    )
    sector = forms.CharField(label=_("Sector"), required=False, max_length=40)
    hours_per_week = forms.DecimalField(label=_("Expected hours per week"), min_value=0, max_digits=5, decimal_places=2)
    team_size = forms.IntegerField(label=_("Team size"), min_value=1, max_value=10)
    on_site = forms.BooleanField(label=_("On-site work expected"), required=False)
    region = forms.CharField(label=_("Region"), required=False, max_length=100)

    def clean_needs(self) -> dict:
        return _pairs(self.cleaned_data["needs"], numbers=True)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Would you like this client?"),
        choices=[(Interest.Answer.YES, _("Yes")), (Interest.Answer.MAYBE, _("Maybe")), (Interest.Answer.NO, _("No"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class HandoverLinesForm(forms.Form):
    own_lines = forms.CharField(
        label=_("My own notes for the backup"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class HandoverDaysForm(forms.Form):
    handover_note_days = forms.IntegerField(
        label=_("Handover note from (days of absence)"),
        min_value=1,
        max_value=366,
        help_text=_("An approved absence this long or longer drafts a handover note per client."),
    )


__all__ = [
    "AbsenceForm",
    "AnswerForm",
    "HandoverDaysForm",
    "HandoverLinesForm",
    "NeedsForm",
    "PatternForm",
    "ProfileForm",
    "pairs_text",
]
