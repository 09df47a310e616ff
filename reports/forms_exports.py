from __future__ import annotations

from django import forms
from django.conf import settings
from django.db.models import Case, When
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from assessments.access import Access, Role
from assessments.models import Assessment, Wave
from reports.export_jobs import RESPONDENT_ROLES
from reports.exports import EXPORTABLE
from reports.models import ReportExport

ORGANISATION = ""


class ExportForm(forms.Form):
    wave = forms.ModelChoiceField(label=_("Wave"), queryset=None, widget=forms.Select(attrs={"class": "form-select"}))
    unit = forms.ChoiceField(label=_("Part of the organisation"), required=False,  # "" = the whole organisation
                             widget=forms.Select(attrs={"class": "form-select"}))
    content = forms.ChoiceField(label=_("Contents"), choices=ReportExport.Content.choices[:2], initial="report",
                                widget=forms.RadioSelect)
    format = forms.ChoiceField(label=_("Format"), choices=ReportExport.Format.choices, initial="pdf",
                               widget=forms.RadioSelect)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES,
                                 widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, access: Access, **kwargs):
        super().__init__(*args, **kwargs)
        self.access = access
        waves = (Wave.objects.filter(assessment__organisation=access.organisation, status__in=EXPORTABLE)
                 .select_related("assessment")
                 .annotate(kind=Case(When(assessment__audience=Assessment.Audience.INSIDE,
                                          assessment__incident__isnull=True, then=0), default=1))
                 .order_by("kind", "-closes_at", "-number"))  # the employee assessment's latest wave first
        self.fields["wave"].queryset = waves
        self.fields["wave"].label_from_instance = lambda w: f"{w.assessment.name} · {_('wave')} {w.number}"
        self.fields["wave"].empty_label = None
        units = [(str(u.pk), u.path) for u in access.units().order_by("path")]
        self.fields["unit"].choices = units if access.role == Role.MANAGER else [
            (ORGANISATION, _("Whole organisation")), *units]
        self.fields["language"].initial = (get_language() or settings.LANGUAGE_CODE)[:2]
        if access.role not in RESPONDENT_ROLES:
            self.fields["content"].choices = [c for c in ReportExport.Content.choices if c[0] == "report"]

    def clean(self):
        data = super().clean()
        if data.get("format") == ReportExport.Format.PDF and data.get("content") == ReportExport.Content.RESPONDENTS:
            self.add_error("format", _("Answers per respondent are exported as CSV or XLSX, not as PDF."))
        unit = data.get("unit")
        data["unit"] = self.access.units().get(pk=int(unit)) if unit else None
        if data["unit"] is None and self.access.role == Role.MANAGER:
            self.add_error("unit", _("Choose a unit: you see your part of the organisation only."))
        return data
