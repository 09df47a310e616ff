from django import forms
from django.utils.translation import gettext_lazy as _


class PeopleImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"), help_text=_("Columns: external_id, email, first_name, last_name, language, unit (e.g. Sales/North), manager. Dutch headers work too."))
    create_units = forms.BooleanField(label=_("Create units that do not exist yet"), required=False, initial=True)
    deactivate_missing = forms.BooleanField(label=_("This file is the complete list: deactivate people who are not in it"), required=False)


class AuditFilterForm(forms.Form):
    verb = forms.CharField(label=_("Action"), required=False)
