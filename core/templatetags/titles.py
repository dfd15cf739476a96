"""The page title: the page first, then its context, then the site's name, each part once.

Titles are parts joined with " · ". The site's name ends every title, unless the
page's own parts already say it: a program may be called what the site is
("Sveriges viktigaste chefsjobb"), and "Statusrapporter · Sveriges viktigaste
chefsjobb · Sveriges viktigaste chefsjobb" says it twice.
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

SEPARATOR = " · "


@register.filter(is_safe=True)
def with_site_name(title: str, site_name: str) -> str:
    """``title`` with ``site_name`` as its last part, unless one of its parts is it already."""
    site = str(conditional_escape(site_name))
    parts = [part for part in str(conditional_escape(title)).strip().split(SEPARATOR) if part]
    if site not in parts:
        parts.append(site)
    return mark_safe(SEPARATOR.join(parts))  # noqa: S308 - every part is escaped above
