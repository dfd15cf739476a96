"""The navigation of every page: the entries for the roles the user holds in the organisation,
and the platform operator's console on its own pages."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from participants.models import Role


def _items(org, roles):
    """Navigation entries for the roles a user holds in one organisation."""
    slug = org.slug
    items = []
    if Role.HR in roles:
        items.append((reverse("svc:hr_start", kwargs={"org": slug}), _("Program administration")))
        items.append((reverse("programs:program_list", kwargs={"org": slug}), _("Programs")))
        items.append((reverse("programs:person_list", kwargs={"org": slug}), _("Managers")))
    if Role.STEERING in roles or Role.HR in roles:
        items.append((reverse("svc:steering_start", kwargs={"org": slug}), _("Steering group")))
        items.append((reverse("reports:program_index", kwargs={"org": slug}), _("Follow-up")))
    if Role.PROCESS_LEADER in roles:
        items.append((reverse("svc:process_leader_start", kwargs={"org": slug}), _("My groups")))
    if Role.PARTICIPANT in roles:
        items.append((reverse("svc:participant_start", kwargs={"org": slug}), _("My program")))
        items.append(
            (reverse("evaluations:my_evaluations", kwargs={"org": slug}), _("My evaluations"))
        )
    if Role.LINE_MANAGER in roles:
        items.append((reverse("svc:line_manager_start", kwargs={"org": slug}), _("My staff")))
    return items


def navigation(request):
    org = getattr(request, "organisation", None)
    roles = getattr(request, "roles", None)
    if org is None or roles is None:
        # The console's pages (and an operator's start page) mark the request; no query here.
        if getattr(request, "platform_operator", False):
            return {"nav_items": [(reverse("console:home"), _("Console"))]}
        return {"nav_items": []}
    return {"nav_items": _items(org, roles), "current_organisation": org}
