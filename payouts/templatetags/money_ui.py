from django import template
from django.utils import translation

from core.money import format_eur

register = template.Library()


@register.filter
def eur(cents) -> str:
    """12345 -> "123,45 €" in the page's language."""
    return format_eur(int(cents or 0), translation.get_language() or "fr")
