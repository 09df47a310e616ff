from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.branding import MAX_BYTES, colour_problem


class BrandingForm(forms.Form):
    logo = forms.FileField(label=_("Logo (PNG or JPEG, at most 2 MB)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg", "class": "form-control"}))
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)
    brand_colour = forms.CharField(label=_("Colour of headings in reports"), required=False, max_length=7,
                                   widget=forms.TextInput(attrs={"type": "color", "class": "form-control form-control-color"}),
                                   help_text=_("Dark enough for text on white (contrast at least 4.5:1)."))

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and logo.size > MAX_BYTES:
            raise forms.ValidationError(_("The logo is larger than 2 MB."))
        return logo

    def clean_brand_colour(self):
        colour = self.cleaned_data.get("brand_colour", "").strip()
        problem = colour_problem(colour)
        if problem:
            raise forms.ValidationError(problem)
        return colour
