"""Taking new managers into a running round, and moving a participant between groups."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from participants.access import HRMixin
from participants.selectors import people_in

from .. import rounds, selectors
from ..departments import department_tree
from ..forms_rounds import (
    GroupMoveForm,
    IntakeAddForm,
)
from ..models import Enrollment, Group
from ..places import holds_place
from .base import messages_for_warnings

# --- Intake -----------------------------------------------------------------------------------


class IntakeView(HRMixin, ListView):
    """Managers not in the program, those appointed after its start first, with a one-step add."""

    template_name = "programs/rounds/intake.html"
    context_object_name = "people"
    paginate_by = 50

    def get_program(self):
        if not hasattr(self, "program"):
            self.program = selectors.program_for_organisation_or_404(
                organisation=self.organisation, program_id=self.kwargs["program_id"]
            )
        return self.program

    def get_queryset(self):
        return rounds.intake_people(program=self.get_program())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        program = self.get_program()
        upcoming = rounds.next_round(program=program, today=timezone.localdate())
        groups = rounds.groups_with_size(rounds=[upcoming]) if upcoming else []
        choices = [
            (
                g.pk,
                _("%(group)s · %(size)d of %(max)d")
                % {"group": g, "size": g.size, "max": program.max_group_size},
            )
            for g in groups
        ]
        roomiest = min(groups, key=lambda g: (g.size, g.number)).pk if groups else None
        tree = department_tree(organisation=self.organisation)
        context.update(
            program=program,
            next_round=upcoming,
            group_choices=choices,
            default_group=roomiest,
            rows=[(p, tree.name(tree.key(p.department_id))) for p in context["people"]],
        )
        return context


class IntakeAddView(HRMixin, View):
    """POST only: put one manager in a group, then back to the same page of the intake list."""

    http_method_names = ["post"]

    def post(self, request, org, program_id):
        program = selectors.program_for_organisation_or_404(
            organisation=self.organisation, program_id=program_id
        )
        form = IntakeAddForm(request.POST)
        url = reverse("programs:intake", kwargs={"org": org, "program_id": program.pk})
        if not form.is_valid():
            messages.error(request, _("Choose a manager and a group, then try again."))
            return redirect(url)
        page = form.cleaned_data.get("page")
        if page and page > 1:
            url += f"?page={page}"
        person = (
            people_in(organisation=self.organisation).filter(pk=form.cleaned_data["person"]).first()
        )
        group = (
            Group.objects.select_related("round__program")
            .filter(round__program=program, pk=form.cleaned_data["group"])
            .first()
        )
        if person is None or group is None:
            messages.error(request, _("The manager or the group was not found. Reload the list."))
            return redirect(url)
        try:
            placed = rounds.intake_add(person=person, group=group)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(url)
        if placed.created:
            messages.success(
                request,
                _("%(name)s was added to %(group)s (%(round)s).")
                % {"name": person.full_name, "group": group, "round": group.round},
            )
        else:
            messages.info(
                request,
                _("%(name)s is already in %(group)s; nothing was changed.")
                % {"name": person.full_name, "group": group},
            )
        messages_for_warnings(request, placed.warnings)
        return redirect(url)


# --- Moving a participant ---------------------------------------------------------------------


class GroupMoveView(HRMixin, FormView):
    """Move one participant of this group to another group of the same program."""

    template_name = "programs/rounds/group_move.html"
    form_class = GroupMoveForm

    def get_group(self):
        if not hasattr(self, "group"):
            self.group = selectors.group_for_organisation_or_404(
                organisation=self.organisation, group_id=self.kwargs["group_id"]
            )
        return self.group

    def get_form_kwargs(self):
        group = self.get_group()
        program = group.round.program
        enrollments = (
            Enrollment.objects.filter(group=group)
            .exclude(status=Enrollment.Status.WITHDRAWN)
            .select_related("person")
            .order_by("person__last_name", "person__first_name", "pk")
        )
        members = [(e.pk, e.person.full_name) for e in enrollments if holds_place(e)]
        self.members = members
        others = [
            g for g in rounds.groups_with_size(rounds=program.rounds.all()) if g.pk != group.pk
        ]
        by_round: dict = {}
        for g in others:
            label = _("%(group)s · %(size)d participants") % {"group": g, "size": g.size}
            by_round.setdefault(str(g.round), []).append((g.pk, label))
        self.has_other_groups = bool(others)
        initial = {}
        if self.request.GET.get("deltagande", "").isdigit():
            initial["enrollment"] = int(self.request.GET["deltagande"])
        return {
            **super().get_form_kwargs(),
            "initial": initial,
            "members": members,
            "enrollments": enrollments,
            "group_choices": list(by_round.items()),
            "groups": {g.pk: g for g in others},
        }

    def form_valid(self, form):
        enrollment = form.cleaned_data["enrollment"]
        to_group = form.cleaned_data["to_group"]
        try:
            moved = rounds.enrollment_move(enrollment=enrollment, to_group=to_group)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        name = moved.enrollment.person.full_name
        if moved.created:
            messages.success(
                self.request,
                _("%(name)s was moved from %(from)s to %(to)s.")
                % {"name": name, "from": moved.previous.group, "to": to_group},
            )
        else:
            messages.info(
                self.request,
                _("%(name)s had already been moved to %(to)s; nothing was changed.")
                % {"name": name, "to": to_group},
            )
        messages_for_warnings(self.request, moved.warnings)
        return redirect("programs:group_detail", org=self.organisation.slug, group_id=self.group.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # builds the form, and with it the lists
        group = self.get_group()
        context.update(
            group=group,
            program=group.round.program,
            members=self.members,
            has_other_groups=self.has_other_groups,
        )
        return context
