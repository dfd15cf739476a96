"""The HR coordinator's round pages: create a round, choose its pool, compose and accept
groups, take in new managers, and move a participant between groups.

The proposal lives in the user's session between requests, keyed by round: a list of
groups of person ids (a few kB at 2,000 people), whether the first group is the set kept
together, and that group's name. Why the session and not signed hidden form data: the
coordinator's moves are saved on every move (with or without JavaScript), so a reload,
a look at another page or a validation error loses nothing, and the move form posts only
the ticked people, not the whole partition. Every read checks the ids again against the
database (scoped to the organisation), and acceptance re-checks them under a lock, so the
session holds no authority. Its limits: it ends with the login session (30 minutes idle)
and is per browser; composing again is deterministic and takes milliseconds.
"""

import hashlib
import json
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, ListView

from core.access import OrganisationRoleMixin
from participants.models import Level, Role
from participants.selectors import people_in

from . import composition, rounds, selectors
from .forms_rounds import (
    AcceptForm,
    GroupMoveForm,
    IntakeAddForm,
    MoveForm,
    PoolFilterForm,
    PoolSelectionForm,
    RecomposeForm,
    RoundForm,
)
from .models import Enrollment, Group
from .selectors import round_for_organisation_or_404


class HRMixin(OrganisationRoleMixin):
    allowed_roles = frozenset({Role.HR})


class RoundMixin(HRMixin):
    """Finds the round in the URL, scoped to the organisation (another one's is a 404)."""

    def dispatch(self, request, *args, **kwargs):
        self.round_id = kwargs["round_id"]
        return super().dispatch(request, *args, **kwargs)

    def pool_url(self) -> str:
        return reverse(
            "programs:round_pool", kwargs={"org": self.organisation.slug, "round_id": self.round_id}
        )

    def proposal_url(self) -> str:
        return reverse(
            "programs:round_proposal",
            kwargs={"org": self.organisation.slug, "round_id": self.round_id},
        )

    def get_round(self):
        if not hasattr(self, "round"):
            self.round = round_for_organisation_or_404(
                organisation=self.organisation, round_id=self.round_id
            )
            self.program = self.round.program
        return self.round


def _messages_for_warnings(request, warnings):
    for warning in warnings:
        messages.warning(request, warning)


# --- Create a round ---------------------------------------------------------------------------


class RoundCreateView(HRMixin, FormView):
    template_name = "programs/rounds/round_form.html"
    form_class = RoundForm

    def get_program(self):
        if not hasattr(self, "program"):
            self.program = selectors.program_for_organisation_or_404(
                organisation=self.organisation, program_id=self.kwargs["program_id"]
            )
        return self.program

    def get_initial(self):
        program = self.get_program()
        last = program.rounds.order_by("-number").first()
        return {"number": last.number + 1 if last else 1}

    def form_valid(self, form):
        program = self.get_program()
        try:
            round_ = rounds.round_create(program=program, **form.cleaned_data)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for name, messages_ in errors.items():
                for message in messages_:
                    form.add_error(name if name in form.fields else None, message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(round)s is saved. Now choose who takes part in it.") % {"round": round_},
        )
        return redirect("programs:round_pool", org=self.organisation.slug, round_id=round_.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(program=self.get_program(), **kwargs)


# --- The pool ---------------------------------------------------------------------------------


class ProposalStore:
    """The proposal of one round in the session (see the module docstring)."""

    KEY = "round_proposals"

    def __init__(self, request, round_id: int):
        self.session = request.session
        self.round_key = str(round_id)

    def get(self) -> dict | None:
        return self.session.get(self.KEY, {}).get(self.round_key)

    def save(self, *, groups: list[list[int]], kept: bool, name: str) -> None:
        stored = dict(self.session.get(self.KEY, {}))
        groups = [sorted(group) for group in groups]
        stored[self.round_key] = {"groups": groups, "kept": kept, "name": name}
        self.session[self.KEY] = stored

    def clear(self) -> None:
        stored = dict(self.session.get(self.KEY, {}))
        if stored.pop(self.round_key, None) is not None:
            self.session[self.KEY] = stored

    @staticmethod
    def version(data: dict) -> str:
        text = json.dumps([data["groups"], data["kept"], data["name"]], separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class PoolRow:
    """One pool row, prepared so that 2,000 rows render quickly."""

    pk: str  # a string: an int in a template goes through number formatting, 2,000 times
    name: str
    department: str
    level: str
    manager_since: str
    chosen: bool
    kept: bool
    first: bool  # the first row's boxes get the ids the error summary links to


class RoundPoolView(RoundMixin, View):
    """Choose the round's people from the pool (active, not in the program), then compose."""

    template_name = "programs/rounds/pool.html"

    def filtered_pool(self):
        self.tree = rounds.department_tree(organisation=self.organisation)
        self.filter_form = PoolFilterForm(self.request.GET or None, organisation=self.organisation)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return rounds.pool_people(
            program=self.program,
            tree=self.tree,
            search=filters.get("q", ""),
            department=filters.get("department"),
            level=filters.get("level", ""),
            manager_since_from=filters.get("manager_since_from"),
            manager_since_to=filters.get("manager_since_to"),
        )

    def row(self, person, *, chosen: bool, kept: bool, first: bool) -> PoolRow:
        return PoolRow(
            pk=str(person.pk),
            name=person.full_name,
            department=self.tree.name(self.tree.key(person.department_id)),
            level=self.levels.get(person.level, ""),
            manager_since=person.manager_since.isoformat() if person.manager_since else "–",
            chosen=chosen,
            kept=kept,
            first=first,
        )

    def render_page(self, selection_form, *, chosen=(), kept=()):
        self.levels = {value: str(label) for value, label in Level.choices}
        shown = list(self.filtered_pool())
        if not selection_form.is_bound and self.request.GET.get("select") == "all":
            chosen = {p.pk for p in shown}
        total = rounds.pool_people(program=self.program).count()
        filtered = any(
            self.request.GET.get(k)
            for k in ("q", "department", "level", "manager_since_from", "manager_since_to")
        )
        context = {
            "organisation": self.organisation,
            "roles": self.roles,
            "program": self.program,
            "round": self.round,
            "filter_form": self.filter_form,
            "form": selection_form,
            "people": [
                self.row(p, chosen=p.pk in chosen, kept=p.pk in kept, first=i == 0)
                for i, p in enumerate(shown)
            ],
            "pool_total": total,
            "filtered": filtered,
            "has_proposal": ProposalStore(self.request, self.round.pk).get() is not None,
        }
        return render(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        self.get_round()
        return self.render_page(PoolSelectionForm(pool=rounds.pool_people(program=self.program)))

    def post(self, request, *args, **kwargs):
        self.get_round()
        data = request.POST.copy()
        if "people_ids" in data:  # static/js/compose.js sends the ticks as one field
            data.setlist("people", [v for v in data["people_ids"].split(",") if v])
        form = PoolSelectionForm(data, pool=rounds.pool_people(program=self.program))
        if not form.is_valid():
            posted = {int(v) for v in data.getlist("people") if v.isdigit()}
            kept = {int(v) for v in data.getlist("keep") if v.isdigit()}
            return self.render_page(form, chosen=posted, kept=kept)
        tree = rounds.department_tree(organisation=self.organisation)
        proposal = composition.compose(
            rounds.candidates_for(people=form.cleaned_data["chosen"], tree=tree),
            min_size=self.program.min_group_size,
            max_size=self.program.max_group_size,
            keep_together=[p.pk for p in form.cleaned_data["kept"]],
        )
        ProposalStore(request, self.round.pk).save(
            groups=proposal.groups,
            kept=proposal.first_group_kept,
            name=form.cleaned_data["keep_name"].strip() if proposal.first_group_kept else "",
        )
        return redirect(
            "programs:round_proposal", org=self.organisation.slug, round_id=self.round.pk
        )


# --- The proposal -----------------------------------------------------------------------------


class RoundProposalView(RoundMixin, View):
    """Shows the proposal; POST moves people (htmx or not), composes again, accepts or discards."""

    template_name = "programs/rounds/proposal.html"
    parts_template = "programs/rounds/_proposal_parts.html"

    def load(self):
        self.get_round()
        self.store = ProposalStore(self.request, self.round.pk)
        self.data = self.store.get()
        if self.data is None:
            self.page = None
            return
        self.page = rounds.proposal_page(
            round_=self.round,
            groups=self.data["groups"],
            kept=self.data["kept"],
            kept_name=self.data["name"],
        )

    def tidy(self):
        """Drops people no longer available and empty groups, and says so. Full pages only."""
        if self.page is None:
            return
        if self.page.dropped:
            messages.warning(
                self.request,
                ngettext(
                    "%(names)s is no longer in the pool (placed in the program or no longer "
                    "active) and was taken out of the proposal.",
                    "%(names)s are no longer in the pool (placed in the program or no longer "
                    "active) and were taken out of the proposal.",
                    len(self.page.dropped),
                )
                % {"names": rounds.names_list(self.page.dropped)},
            )
        groups = self.page.ids
        kept = self.page.kept and bool(groups and groups[0])
        tidy = [sorted(g) for g in groups if g]
        if tidy != self.data["groups"] or kept != self.data["kept"]:
            self.store.save(groups=tidy, kept=kept, name=self.data["name"] if kept else "")
            self.load()

    # Forms ---------------------------------------------------------------------------------

    def move_form(self, data=None):
        return MoveForm(
            data,
            groups=[(g.index, g.label) for g in self.page.groups],
            people=[pk for ids in self.page.ids for pk in ids],
        )

    def recompose_limits(self) -> tuple[int, int]:
        """The group counts the composer accepts: the kept group, then 1 to all-alone."""
        kept = len(self.page.groups[0].members) if self.page.kept else 0
        rest = self.page.size - kept
        offset = 1 if kept else 0
        if rest == 0:
            return max(offset, 1), max(offset, 1)
        return 1 + offset, rest + offset

    def recompose_form(self, data=None):
        fewest, most = self.recompose_limits()
        return RecomposeForm(
            data,
            fewest=fewest,
            most=most,
            initial={"n_groups": sum(1 for g in self.page.groups if g.members)},
        )

    def accept_form(self, data=None):
        return AcceptForm(
            data, version=ProposalStore.version(self.data), warning_count=self.page.warning_count
        )

    def context(self, **forms):
        forms.setdefault("move_form", self.move_form() if self.page else None)
        forms.setdefault("recompose_form", self.recompose_form() if self.page else None)
        forms.setdefault("accept_form", self.accept_form() if self.page else None)
        error_form = next((f for f in forms.values() if f is not None and f.errors), None)
        move_form = forms["move_form"]
        ticked = set()
        if move_form is not None and move_form.is_bound:
            ticked = set(move_form.data.getlist("move"))
        return {
            "ticked": ticked,
            "organisation": self.organisation,
            "roles": self.roles,
            "program": self.program,
            "round": self.round,
            "page": self.page,
            "error_form": error_form,
            **forms,
        }

    # Requests ------------------------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        self.load()
        self.tidy()
        return render(request, self.template_name, self.context())

    def post(self, request, *args, **kwargs):
        self.load()
        action = request.POST.get("action")
        if action == "discard":
            self.store.clear()
            messages.info(request, _("The proposal was discarded. Nothing was saved."))
            return redirect(self.pool_url())
        if self.page is None:
            if action == "accept" and self.round.groups.exists():  # accepted a moment ago
                messages.info(
                    request, _("The round's groups are already created; nothing was added again.")
                )
                return redirect(
                    "programs:program_overview",
                    org=self.organisation.slug,
                    program_id=self.program.pk,
                )
            messages.error(
                request, _("There is no proposal for this round. Choose the people first.")
            )
            return redirect(self.pool_url())
        if action == "move":
            return self.post_move()
        if action == "recompose":
            return self.post_recompose()
        if action == "accept":
            return self.post_accept()
        return redirect(self.proposal_url())

    def post_move(self):
        form = self.move_form(self.request.POST)
        if not form.is_valid():
            if self.request.htmx:
                return self.render_parts(move_form=form, status_error=True, changed=[])
            return render(self.request, self.template_name, self.context(move_form=form))
        moving = set(form.cleaned_data["move"])
        target = form.cleaned_data["to_group"] - 1
        before = self.page
        groups = [[pk for pk in ids if pk not in moving] for ids in before.ids]
        groups[target] = sorted([*groups[target], *moving])
        kept = before.kept
        self.store.save(groups=groups, kept=kept, name=self.data["name"] if kept else "")
        self.load()
        group = self.page.groups[target]
        status = ngettext(
            "%(count)d person moved to %(group)s, which now has %(size)d.",
            "%(count)d people moved to %(group)s, which now has %(size)d.",
            len(moving),
        ) % {"count": len(moving), "group": group.label, "size": group.size}
        if self.request.htmx:
            # Only the groups that changed are sent again: members or warnings.
            changed = [
                new
                for old, new in zip(before.groups, self.page.groups, strict=True)
                if old.ids != new.ids or old.warnings != new.warnings
            ]
            return self.render_parts(status=status, changed=changed)
        messages.success(self.request, status)
        return redirect(self.proposal_url())

    def render_parts(self, *, status="", status_error=False, changed, **forms):
        context = self.context(**forms)
        context.update(status=status, status_error=status_error, oob=True, changed=changed)
        return render(self.request, self.parts_template, context)

    def post_recompose(self):
        form = self.recompose_form(self.request.POST)
        if not form.is_valid():
            return render(self.request, self.template_name, self.context(recompose_form=form))
        tree = rounds.department_tree(organisation=self.organisation)
        people = [p for g in self.page.groups for p in g.members]
        kept_ids = [p.pk for p in self.page.groups[0].members] if self.page.kept else []
        proposal = composition.compose(
            rounds.candidates_for(people=people, tree=tree),
            min_size=self.program.min_group_size,
            max_size=self.program.max_group_size,
            keep_together=kept_ids,
            n_groups=form.cleaned_data["n_groups"],
        )
        self.store.save(
            groups=proposal.groups, kept=proposal.first_group_kept, name=self.data["name"]
        )
        messages.success(
            self.request,
            ngettext(
                "A new proposal with %(count)d group.",
                "A new proposal with %(count)d groups.",
                len(proposal.groups),
            )
            % {"count": len(proposal.groups)},
        )
        return redirect(self.proposal_url())

    def post_accept(self):
        form = self.accept_form(self.request.POST)
        if not form.is_valid():
            return render(self.request, self.template_name, self.context(accept_form=form))
        if self.page.dropped:  # the proposal page then says who, and takes them out
            message = _(
                "Someone in the proposal got a place in the program meanwhile. Check the proposal."
            )
            messages.error(self.request, message)
            return redirect(self.proposal_url())
        try:
            accepted = rounds.proposal_accept(
                round_=self.round, groups=self.page.ids, kept_name=self.data["name"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(self.request, message)
            return redirect(self.proposal_url())
        self.store.clear()
        if accepted.created:
            messages.success(
                self.request,
                ngettext(
                    "%(round)s: %(count)d development group created, with %(people)d planned "
                    "participants.",
                    "%(round)s: %(count)d development groups created, with %(people)d planned "
                    "participants.",
                    len(accepted.groups),
                )
                % {
                    "round": self.round,
                    "count": len(accepted.groups),
                    "people": accepted.enrollment_count,
                },
            )
            _messages_for_warnings(self.request, accepted.warnings)
        else:
            messages.info(
                self.request,
                _("The round's groups are already created; nothing was added again."),
            )
        return redirect(
            "programs:program_overview", org=self.organisation.slug, program_id=self.program.pk
        )


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
        tree = rounds.department_tree(organisation=self.organisation)
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
        _messages_for_warnings(request, placed.warnings)
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
        members = [
            (e.pk, e.person.full_name)
            for e in enrollments
            if e.status not in Enrollment.INACTIVE_STATUSES
        ]
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
        _messages_for_warnings(self.request, moved.warnings)
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
