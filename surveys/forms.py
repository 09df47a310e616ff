"""Forms of the instrument builder."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.instrument_format import DIMENSIONS, INTENTIONS, MAX_FILE_BYTES, REFERENTS, ROLES
from surveys.instrument_format.vocabulary import RESERVED_ITEM_KEYS, ROLES_WITH_DIMENSION

LANGUAGES = (("nl", "Nederlands"), ("en", "English"))
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
BUILDER_ROLES = [r for r in ROLES if r != "felt_trust"]
ROLE_LABELS = {
    "dimension": _("Dimension item (scored)"),
    "global_trust": _("Global trust"),
    "intention": _("Intention"),
    "comment": _("Open question"),
    "custom_scored": _("Own item, scored into a dimension"),
    "custom_unscored": _("Own item, not scored"),
    "felt_trust": _("Felt trust"),
}
DIMENSION_LABELS = {"competence": _("Competence"), "reliability": _("Reliability"), "integrity": _("Integrity"),
                    "empathy": _("Empathy")}
REFERENT_LABELS = {"organisation": _("The organisation as a whole"), "leadership": _("Its leadership"),
                   "company": _("The company as customers and partners see it"), "person": _("One named person (360°)"),
                   "manager": _("The respondent's own manager"), "team": _("A team as a whole")}
INTENTION_LABELS = {"reliance": _("Reliance"), "disclosure": _("Disclosure")}


def _name_fields(form, languages, initial, label):
    for code, language in LANGUAGES:
        if code in languages:
            form.fields[f"name_{code}"] = forms.CharField(label=f"{label} ({language})", max_length=200,
                                                          initial=(initial or {}).get(code, ""))


class VersionForm(forms.Form):
    languages = forms.MultipleChoiceField(label=_("Languages"), choices=LANGUAGES, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].initial = version.languages
        for code, language in LANGUAGES:
            self.fields[f"name_{code}"] = forms.CharField(label=_("Name (%(language)s)") % {"language": language},
                                                          max_length=200, required=False,
                                                          initial=version.name.get(code, ""))

    def clean(self):
        data = super().clean()
        for code in data.get("languages", []):
            if not data.get(f"name_{code}"):
                self.add_error(f"name_{code}", _("Give the name in every language of the version."))
        return data

    def name(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"name_{code}"] for code in self.cleaned_data["languages"]}


class SectionForm(forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=64)

    def __init__(self, *args, section, **kwargs):
        super().__init__(*args, prefix=f"s{section.pk}", **kwargs)
        self.fields["key"].initial = section.key
        for code, language in LANGUAGES:
            if code in section.version.languages:
                self.fields[f"title_{code}"] = forms.CharField(label=_("Title (%(language)s)") % {"language": language},
                                                               max_length=200, required=False,
                                                               initial=(section.title or {}).get(code, ""))
        self.section = section

    def clean_key(self):
        key = self.cleaned_data["key"]
        if self.section.version.sections.filter(key=key).exclude(pk=self.section.pk).exists():
            raise forms.ValidationError(_("Another section has this key."))
        return key

    def title(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"title_{code}"] for code, _l in LANGUAGES if f"title_{code}" in self.cleaned_data}


class ItemForm(forms.Form):
    key = forms.CharField(label=_("Key"), max_length=64,
                          help_text=_("Lower case letters, digits and _; unique in this version. Scored items keep their key across versions."))
    role = forms.ChoiceField(label=_("Role"), choices=[(r, ROLE_LABELS[r]) for r in BUILDER_ROLES])
    dimension = forms.ChoiceField(label=_("Dimension"), required=False,
                                  choices=[("", "—"), *((d, DIMENSION_LABELS[d]) for d in DIMENSIONS)],
                                  help_text=_("Required for scored items."))
    intention = forms.ChoiceField(label=_("Intention"), required=False,
                                  choices=[("", "—"), *((i, INTENTION_LABELS[i]) for i in INTENTIONS)],
                                  help_text=_("Required for intention items."))
    referent = forms.ChoiceField(label=_("About whom"), choices=[(r, REFERENT_LABELS.get(r, r)) for r in REFERENTS])
    reverse_keyed = forms.BooleanField(label=_("Reverse keyed (agreeing means less trust)"), required=False)
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    pulse = forms.BooleanField(label=_("Use in the pulse form"), required=False)

    def __init__(self, *args, version, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.version, self.item = version, item
        self.languages = [code for code, _l in LANGUAGES if code in version.languages]
        if version.items.filter(role="felt_trust").exists():  # copies of the felt-trust module keep their role
            self.fields["role"].choices = [(r, ROLE_LABELS[r]) for r in ROLES]
        for code, language in LANGUAGES:
            if code in version.languages:
                self.fields[f"text_{code}"] = forms.CharField(
                    label=_("Wording (%(language)s)") % {"language": language}, max_length=1000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    initial=(item.text or {}).get(code, "") if item else "")
        if item is not None:
            for name in ("key", "role", "dimension", "intention", "referent", "reverse_keyed", "required", "pulse"):
                self.fields[name].initial = getattr(item, name)
        else:
            first = version.items.order_by("position").first()
            self.fields["referent"].initial = first.referent if first else "organisation"
            self.fields["key"].initial = f"custom_{version.items.count() + 1}"

    def text_fields(self):
        return [self[f"text_{code}"] for code in self.languages]

    def clean_key(self):
        key = self.cleaned_data["key"].strip()
        if not KEY_RE.match(key) or key in RESERVED_ITEM_KEYS:
            raise forms.ValidationError(_("Use lower case letters, digits and _ , starting with a letter."))
        others = self.version.items.filter(key=key)
        if self.item is not None:
            others = others.exclude(pk=self.item.pk)
        if others.exists():
            raise forms.ValidationError(_("Another item in this version has this key."))
        return key

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role in ROLES_WITH_DIMENSION and not data.get("dimension"):
            self.add_error("dimension", _("A scored item needs a dimension."))
        if role not in ROLES_WITH_DIMENSION:
            data["dimension"] = ""
        if role == "intention" and not data.get("intention"):
            self.add_error("intention", _("An intention item needs an intention."))
        if role != "intention":
            data["intention"] = ""
        return data

    def fields_for_service(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in ("key", "role", "dimension", "intention", "referent", "reverse_keyed",
                                                 "required", "pulse")}
        fields["text"] = {code: data[f"text_{code}"] for code in self.languages if data.get(f"text_{code}")}
        return fields


class NewInstrumentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Instrument file (.yaml, .yml or .json, at most 1 MB)"))
    into = forms.ModelChoiceField(label=_("Import as"), queryset=None, required=False,
                                  empty_label=_("a new instrument"))

    def __init__(self, *args, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = instruments
        self.fields["into"].label_from_instance = lambda i: _("a new version of %(key)s") % {"key": i.key}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".yaml", ".yml", ".json")):
            raise forms.ValidationError(_("Upload a .yaml, .yml or .json file."))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        return upload
