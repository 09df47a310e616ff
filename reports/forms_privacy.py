from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.privacy import MAX_MONTHS


class RetentionForm(forms.Form):
    months = forms.IntegerField(
        label=_("Keep respondent-level data for (months after a wave closes)"), required=False,
        min_value=1, max_value=MAX_MONTHS,
        help_text=_("Empty: keep it. Results (the aggregates) are always kept."))


class EraseForm(forms.Form):
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone."), required=True)
