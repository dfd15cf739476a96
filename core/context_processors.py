"""Template context shared by every page: the CSP nonce for django-htmx and the navigation."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from participants.models import Role


def csp_nonce(request):
    # django-htmx's {% htmx_script %} reads `csp_nonce`; django-csp provides `CSP_NONCE`.
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


def _items(org, roles):
    """Navigation entries for the roles a user holds in one organisation."""
    slug = org.slug
    items = []
    if Role.HR in roles:
        items.append((reverse("core:hr_start", kwargs={"org": slug}), _("Program administration")))
        items.append((reverse("programs:program_list", kwargs={"org": slug}), _("Programs")))
        items.append((reverse("participants:person_list", kwargs={"org": slug}), _("Managers")))
    if Role.STEERING in roles or Role.HR in roles:
        items.append((reverse("core:steering_start", kwargs={"org": slug}), _("Steering group")))
        items.append((reverse("reports:program_index", kwargs={"org": slug}), _("Follow-up")))
    if Role.PROCESS_LEADER in roles:
        items.append((reverse("core:process_leader_start", kwargs={"org": slug}), _("My groups")))
    if Role.PARTICIPANT in roles:
        items.append((reverse("core:participant_start", kwargs={"org": slug}), _("My program")))
        items.append(
            (reverse("evaluations:my_evaluations", kwargs={"org": slug}), _("My evaluations"))
        )
    if Role.LINE_MANAGER in roles:
        items.append((reverse("core:line_manager_start", kwargs={"org": slug}), _("My staff")))
    return items


def navigation(request):
    org = getattr(request, "organisation", None)
    roles = getattr(request, "roles", None)
    if org is None or roles is None:
        return {"nav_items": []}
    return {"nav_items": _items(org, roles), "current_organisation": org}
