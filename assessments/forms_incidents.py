from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Incident, Organisation
from trustier.forms import IdsChoiceField


class IncidentForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}))
    dimensions = forms.MultipleChoiceField(label=_("Dimensions touched"), choices=Incident.Dimension.choices,
                                           widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": _("Choose at least one dimension the incident touched.")})
    units = IdsChoiceField(label=_("Units affected"), queryset=None, required=False,
                           widget=forms.SelectMultiple(attrs={"size": 6, "class": "form-select"}),
                           help_text=_("Leave empty when the whole organisation was affected."))

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # a unit of another organisation is simply not a valid choice → a form error, never a 500
        self.fields["units"].queryset = organisation.units.order_by("path")
        self.fields["units"].label_from_instance = lambda unit: unit.path

    def clean_occurred_on(self):
        value = self.cleaned_data["occurred_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("An incident cannot be dated in the future."))
        return value

    @classmethod
    def initial_for(cls, incident: Incident) -> dict:
        return {"occurred_on": incident.occurred_on, "title": incident.title, "description": incident.description,
                "dimensions": incident.dimensions, "units": list(incident.units.all())}
