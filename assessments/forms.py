from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Membership, Unit


class PeopleImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"), help_text=_("Columns: external_id, email, first_name, last_name, language, unit (e.g. Sales/North), manager. Dutch headers work too."))
    create_units = forms.BooleanField(label=_("Create units that do not exist yet"), required=False, initial=True)
    deactivate_missing = forms.BooleanField(label=_("This file is the complete list: deactivate people who are not in it"), required=False)


class AuditFilterForm(forms.Form):
    verb = forms.CharField(label=_("Action"), required=False)


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    full_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    unit = forms.ModelChoiceField(label=_("Unit (for managers)"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(organisation=organisation)

    def clean(self):
        data = super().clean()
        if data.get("role") == Membership.Role.MANAGER and not data.get("unit"):
            self.add_error("unit", _("A manager needs a unit: they see that unit and everything below it."))
        return data
