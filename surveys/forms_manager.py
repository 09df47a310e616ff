"""The managers' forms of a reciprocal wave: the prediction (four numbers 0-100) and the team rating (the team form)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys import instrument_format as fmt
from surveys.answering import DONT_KNOW
from surveys.forms import DIMENSION_LABELS
from surveys.forms_respond import PREFIX
from surveys.manager_forms import POMP_MAX, POMP_MIN, PREDICTED

PREDICTION_HELP = {
    "competence": _("Its expertise and the quality of its decisions."),
    "reliability": _("Whether it does what it says, consistently."),
    "integrity": _("Whether it is honest and fair."),
    "empathy": _("Whether it cares about the people in your team."),
}


class PredictionForm(forms.Form):
    """One whole number 0-100 per dimension (POMP: 0 = the whole team strongly disagrees, 100 = everybody agrees)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for dimension in PREDICTED:
            self.fields[dimension] = forms.IntegerField(
                label=DIMENSION_LABELS[dimension], min_value=POMP_MIN, max_value=POMP_MAX, help_text=PREDICTION_HELP[dimension],
                widget=forms.NumberInput(attrs={"min": POMP_MIN, "max": POMP_MAX, "step": 1, "inputmode": "numeric"}))

    def values(self) -> dict[str, int]:
        return {dimension: self.cleaned_data[dimension] for dimension in PREDICTED}


class TeamRatingForm(forms.Form):
    """One radio group per closed item of the team form (fields named q_<item key>, values 1..7 or "dk").

    A posted q_ field that is not an item of the form is refused (a tampered or outdated form)."""

    def __init__(self, *args, instrument: fmt.Instrument, items: list[fmt.Item], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            scale = instrument.scale_for(item)
            choices = [(str(v), str(v)) for v in range(scale.min, scale.max + 1)]
            if scale.dont_know is not None:
                choices.append((DONT_KNOW, DONT_KNOW))
            self.fields[PREFIX + item.key] = forms.ChoiceField(
                choices=choices, required=item.required, widget=forms.RadioSelect,
                error_messages={"required": _("Please choose an answer (or “don't know”)."),
                                "invalid_choice": _("Please choose one of the answers shown.")})

    def clean(self):
        data = super().clean()
        known = set(self.fields)
        if any(name.startswith(PREFIX) and name not in known for name in self.data):
            raise forms.ValidationError(_("The form contained a question that is not part of the team form. "
                                          "Please reload the page and try again."))
        return data

    def answers(self) -> dict[str, int | None]:
        """{item key: 1..7, or None for don't know}."""
        found = {}
        for item in self.items:
            raw = self.cleaned_data.get(PREFIX + item.key)
            if raw:
                found[item.key] = None if raw == DONT_KNOW else int(raw)
        return found

    def shown_values(self, saved: dict | None) -> dict[str, str]:
        """What each radio group shows as chosen: the posted value when bound, else the saved answer."""
        if self.is_bound:
            return {item.key: str(self.data.get(PREFIX + item.key, "")) for item in self.items}
        return {key: DONT_KNOW if value is None else str(value) for key, value in (saved or {}).items()}
