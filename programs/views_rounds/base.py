"""What every round page shares: HR only, the round from the URL, warnings as messages."""

from django.contrib import messages
from django.urls import reverse

from participants.access import HRMixin

from ..selectors import round_for_organisation_or_404


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


def messages_for_warnings(request, warnings):
    for warning in warnings:
        messages.warning(request, warning)
