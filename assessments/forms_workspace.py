from __future__ import annotations

import re

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from assessments.models import Organisation
from assessments.services import CLIENT_SLUG_PATTERN

LANGUAGES = [("nl", "Nederlands"), ("en", "English")]


class ClientOrganisationForm(forms.Form):
    name = forms.CharField(label=_("Organisation name"), max_length=200)
    slug = forms.CharField(label=_("Address in Trustier"), max_length=50, required=False, help_text=_(
        "Lower-case letters, digits and hyphens, e.g. acme-care. Leave empty to derive it from the name."))
    owner_name = forms.CharField(label=_("Name of the client's owner"), max_length=200)
    owner_email = forms.EmailField(label=_("Email of the client's owner"))
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=LANGUAGES, initial="nl",
                                 widget=forms.RadioSelect)

    def clean(self):
        data = super().clean()
        slug = (data.get("slug") or "").strip().lower() or slugify(data.get("name") or "")[:50].strip("-")
        if not slug and not data.get("name"):
            return data  # the missing name is the one thing to fix
        if not re.match(CLIENT_SLUG_PATTERN, slug):
            self.add_error("slug", _("Use 1 to 50 lower-case letters, digits and hyphens, "
                                     "starting and ending with a letter or digit."))
        elif Organisation.objects.filter(slug=slug).exists():
            self.add_error("slug", _("The address %(slug)s is taken: choose another.") % {"slug": slug})
        else:
            data["slug"] = slug
        return data
