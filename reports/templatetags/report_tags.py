from django import template

from reports.measures import measure_label as _measure_label

register = template.Library()


@register.filter
def measure_label(code: str) -> str:
    """'integrity' → Integrity, in the active language."""
    return _measure_label(code)
