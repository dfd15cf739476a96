"""Composing groups: the proposal, moves between groups, and accepting it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from .. import rounds
from ..forms_rounds import (
    AcceptForm,
    MoveForm,
    RecomposeForm,
)
from .base import RoundMixin, messages_for_warnings
from .pool import ProposalStore

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
                % {"names": rounds.names_list(people=self.page.dropped)},
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
        kept_ids = [p.pk for p in self.page.groups[0].members] if self.page.kept else []
        proposal = rounds.proposal_compose(
            program=self.program,
            people=[p for g in self.page.groups for p in g.members],
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
            messages_for_warnings(self.request, accepted.warnings)
        else:
            messages.info(
                self.request,
                _("The round's groups are already created; nothing was added again."),
            )
        return redirect(
            "programs:program_overview", org=self.organisation.slug, program_id=self.program.pk
        )
