"""Creating a round and choosing its pool; the proposal kept in the session."""

import hashlib
import json
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from core.forms import add_service_errors
from participants.access import HRMixin
from participants.models import Level

from .. import rounds, selectors
from ..departments import department_tree
from ..forms_rounds import (
    PoolFilterForm,
    PoolSelectionForm,
    RoundForm,
)
from .base import RoundMixin

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
            add_service_errors(form, exc)
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
        self.tree = department_tree(organisation=self.organisation)
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
        proposal = rounds.proposal_compose(
            program=self.program,
            people=form.cleaned_data["chosen"],
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
