from django import template
from django.urls import reverse

from surveys.respondent_privacy import privacy_key

register = template.Library()


@register.simple_tag
def respondent_privacy_url(organisation, session=None) -> str:
    """Token-free link to the respondents' privacy page of `organisation` ('' without one)."""
    if organisation is None or not getattr(organisation, "pk", None):
        return ""
    mode = "" if not session else ("open" if session.is_open_link else session.assessment.anonymity)
    return reverse("respond_privacy", kwargs={"key": privacy_key(organisation=organisation, mode=mode)})
