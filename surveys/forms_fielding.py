from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Unit
from assessments.waves import WaveError, parse_reminder_days
from surveys.instrument_format import MODULE_KEYS
from surveys.selectors import bundled_ensure
from surveys.selectors_fielding import versions_for_organisation
from trustier.forms import IdsChoiceField

LANGUAGE_CHOICES = [("nl", "Nederlands"), ("en", "English")]


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.name or obj.instrument.name or {}
        text = name.get(get_language() or "en") or name.get("en") or obj.instrument.key
        origin = _("shipped with Trustier") if obj.instrument.organisation_id is None else _("your own")
        return f"{text} · v{obj.number} ({origin})"


class AssessmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("For example: Trust inside 2027."))
    audience = forms.ChoiceField(label=_("Who answers"), choices=Assessment.Audience.choices, widget=forms.RadioSelect,
                                 initial=Assessment.Audience.INSIDE)
    anonymity = forms.ChoiceField(label=_("Anonymity"), choices=Assessment.Anonymity.choices, widget=forms.RadioSelect,
                                  initial=Assessment.Anonymity.ANONYMOUS,
                                  help_text=_("Anonymous: nothing links an answer to a person. Confidential: the link is kept but never shown."))
    instrument_version = VersionChoiceField(label=_("Questionnaire"), queryset=Unit.objects.none(), empty_label=None)
    units = IdsChoiceField(label=_("Units in scope"), queryset=Unit.objects.none(), required=False,
                           widget=forms.CheckboxSelectMultiple,
                           help_text=_("A unit includes everything below it. Choose none for the whole organisation."))
    languages = forms.MultipleChoiceField(label=_("Languages"), choices=LANGUAGE_CHOICES, initial=["nl", "en"], widget=forms.CheckboxSelectMultiple,
                                          help_text=_("People are invited in their own language when it is offered, otherwise in the first one."))
    reciprocal = forms.BooleanField(
        label=_("Ask managers about their team: each manager rates their team as a whole and predicts how the team will rate "
                "the leadership"),
        required=False,
        help_text=_("Employee (inside) assessments only. To see whether people also feel trusted, choose the questionnaire "
                    "“Trust inside the organisation, with felt trust”."))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        bundled_ensure()  # the shipped questionnaires (e.g. with felt trust) are offered even before anyone opened the builder
        # the shipped modules (felt trust, the managers' team form) are parts of a questionnaire, not one of their own
        self.fields["instrument_version"].queryset = versions_for_organisation(organisation=organisation).exclude(
            instrument__organisation__isnull=True, instrument__key__in=MODULE_KEYS)
        self.fields["units"].queryset = Unit.objects.filter(organisation=organisation)
        self.fields["units"].label_from_instance = lambda unit: unit.path


class WaveForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("Opens"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    closes_at = forms.DateTimeField(label=_("Closes"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    reminder_days = forms.CharField(label=_("Reminders (days after opening)"), required=False, initial="3,7", max_length=100,
                                    help_text=_("For example 3,7: only people who have not answered get a reminder."))
    text_nl = forms.CharField(label=_("Invitation text in Dutch"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    text_en = forms.CharField(label=_("Invitation text in English"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    repeat_months = forms.IntegerField(label=_("Repeat every … months"), min_value=0, max_value=24, initial=0, required=False,
                                       help_text=_("0: no repeat. 3 with 4 waves: quarterly for a year."))
    count = forms.IntegerField(label=_("Number of waves"), min_value=1, max_value=12, initial=1)

    def clean_reminder_days(self):
        try:
            return parse_reminder_days(self.cleaned_data["reminder_days"])
        except WaveError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        data = super().clean()
        if data.get("count", 1) > 1 and not data.get("repeat_months"):
            self.add_error("repeat_months", _("Say every how many months the waves repeat."))
        return data


class ExtendForm(forms.Form):
    closes_at = forms.DateTimeField(label=_("New closing time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))

    def clean_closes_at(self):
        value = self.cleaned_data["closes_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return value
