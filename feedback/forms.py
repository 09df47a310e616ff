from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models import Person
from assessments.waves import WaveError, parse_reminder_days
from feedback import groups
from feedback.models import Cycle
from trustier.forms import IdsChoiceField, is_id

DATETIME = {"widget": forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M")}
SEARCH_LIMIT = 200


def person_label(person: Person) -> str:
    unit = person.unit.path if person.unit_id else _("external")
    return f"{person.first_name} {person.last_name} · {person.email} ({unit})"


def people_matching(organisation, query: str):
    people = Person.objects.filter(organisation=organisation, is_active=True).select_related("unit")
    for word in (query or "").split()[:4]:
        people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word))
    return people.order_by("last_name", "first_name", "pk")


class CycleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, initial=_("360° feedback"),
                           widget=forms.TextInput(attrs={"class": "form-control"}))
    subjects = IdsChoiceField(label=_("People who receive feedback"), queryset=Person.objects.none(),
                              widget=forms.CheckboxSelectMultiple,
                              error_messages={"required": _("Choose at least one person to receive feedback.")})
    nomination_closes_at = forms.DateTimeField(label=_("Nominations close"), **DATETIME)
    opens_at = forms.DateTimeField(label=_("Feedback opens"), **DATETIME)
    closes_at = forms.DateTimeField(label=_("Feedback closes"), **DATETIME)
    reminder_days = forms.CharField(label=_("Reminders (days after opening)"), required=False, initial="3,7", max_length=100,
                                    widget=forms.TextInput(attrs={"class": "form-control"}),
                                    help_text=_("For example 3,7: only raters who have not answered get a reminder."))
    min_raters = forms.IntegerField(label=_("Minimum raters per group shown (anonymity threshold)"), min_value=3, max_value=20,
                                    initial=3, widget=forms.NumberInput(attrs={"class": "form-control"}))
    report_access = forms.ChoiceField(label=_("Who reads a person's report"), choices=Cycle.ReportAccess.choices,
                                      initial=Cycle.ReportAccess.SUBJECT_MANAGER, widget=forms.RadioSelect)
    coaches = IdsChoiceField(label=_("Coaches"), queryset=get_user_model().objects.none(), required=False,
                             widget=forms.CheckboxSelectMultiple,
                             help_text=_("Coaches read the reports only when the setting above includes them."))

    def __init__(self, *args, organisation, query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        selected = [v for v in (self.data.getlist("subjects") if hasattr(self.data, "getlist") else []) if str(v).isdigit()]
        # subjects are the organisation's own people: external raters (customers) are never rated
        people = (Person.objects.filter(organisation=organisation, is_active=True).filter(Q(attributes__external__isnull=True) | Q(attributes__external=False))
                  .select_related("unit"))
        shown = list(people_matching(organisation, query)[:SEARCH_LIMIT].values_list("pk", flat=True))
        self.fields["subjects"].queryset = people.filter(Q(pk__in=shown) | Q(pk__in=selected)).order_by("last_name", "first_name", "pk")
        self.fields["subjects"].label_from_instance = person_label
        self.fields["coaches"].queryset = get_user_model().objects.filter(memberships__organisation=organisation).distinct()
        self.fields["coaches"].label_from_instance = lambda u: f"{u.full_name or u.email} · {u.email}"
        for group in groups.ANONYMOUS_GROUPS:
            lo, hi = groups.DEFAULT_GROUP_LIMITS[group]
            self.fields[f"min_{group}"] = forms.IntegerField(
                label=_("%(group)s: minimum") % {"group": groups.label(group)}, min_value=0, max_value=50, initial=lo,
                widget=forms.NumberInput(attrs={"class": "form-control"}))
            self.fields[f"max_{group}"] = forms.IntegerField(
                label=_("%(group)s: maximum") % {"group": groups.label(group)}, min_value=0, max_value=50, initial=hi,
                widget=forms.NumberInput(attrs={"class": "form-control"}))

    def clean_reminder_days(self):
        try:
            return parse_reminder_days(self.cleaned_data["reminder_days"])
        except WaveError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def group_limits(self) -> dict:
        return {g: [self.cleaned_data[f"min_{g}"], self.cleaned_data[f"max_{g}"]] for g in groups.ANONYMOUS_GROUPS}

    def limit_fields(self):
        return [(self[f"min_{g}"], self[f"max_{g}"]) for g in groups.ANONYMOUS_GROUPS]


class NominateForm(forms.Form):
    rater = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none(), empty_label=_("Choose a person"),
                                   widget=forms.Select(attrs={"class": "form-select"}))
    group = forms.ChoiceField(label=_("Rater group"), choices=groups.GROUP_CHOICES, initial=groups.PEER,
                              widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, organisation, query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        posted = self.data.get("rater") if hasattr(self.data, "get") else None
        shown = list(people_matching(organisation, query)[:SEARCH_LIMIT].values_list("pk", flat=True))
        if posted and is_id(posted):
            shown.append(int(posted))
        self.fields["rater"].queryset = (Person.objects.filter(organisation=organisation, is_active=True, pk__in=shown)
                                         .select_related("unit").order_by("last_name", "first_name", "pk"))
        self.fields["rater"].label_from_instance = person_label


class ExternalRaterForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, widget=forms.TextInput(attrs={"class": "form-control"}))
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False, widget=forms.TextInput(attrs={"class": "form-control"}))
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"class": "form-control"}))
    language = forms.ChoiceField(label=_("Language"), choices=[("nl", "Nederlands"), ("en", "English")], initial="en",
                                 widget=forms.Select(attrs={"class": "form-select"}))
    group = forms.ChoiceField(label=_("Rater group"), choices=[(g, groups.LABELS[g]) for g in (groups.CUSTOMER, groups.OTHER)],
                              widget=forms.Select(attrs={"class": "form-select"}))
