"""Forms of the rounds pages: input validation only; the rules live in programs.rounds."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import ErrorSummaryMixin
from participants.models import Department, Level, Organisation, Person

from .models import Round

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _field_label(model, name):
    return capfirst(model._meta.get_field(name).verbose_name)


class RoundForm(ErrorSummaryMixin, forms.Form):
    """A new round. The rules (number free, dates within the program) are the service's."""

    number = forms.IntegerField(label=_field_label(Round, "number"), min_value=1, max_value=999)
    starts_on = forms.DateField(
        label=_field_label(Round, "starts_on"),
        widget=_DATE,
        help_text=_("The first module of the round's groups starts then."),
    )
    ends_on = forms.DateField(label=_field_label(Round, "ends_on"), widget=_DATE)


class PoolFilterForm(forms.Form):
    """Filters of a round's pool (GET)."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, help_text=_("Name or employee number.")
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False,
        empty_label=_("All"),
    )  # fmt: skip
    level = forms.ChoiceField(
        label=_("Managerial level"), required=False, choices=[("", _("All")), *Level.choices]
    )
    manager_since_from = forms.DateField(
        label=_("Manager since, from"), required=False, widget=_DATE
    )
    manager_since_to = forms.DateField(label=_("Manager since, to"), required=False, widget=_DATE)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            organisation=organisation, parent__isnull=True
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("manager_since_from"), data.get("manager_since_to")
        if start and end and end < start:
            self.add_error(
                "manager_since_to", gettext("The end of the period is before its start.")
            )
        return data


class PoolSelectionForm(ErrorSummaryMixin, forms.Form):
    """Who is in the round, and who is kept together as its first group (POST)."""

    people = forms.ModelMultipleChoiceField(
        label=_("Managers in the round"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    keep = forms.ModelMultipleChoiceField(
        label=_("Keep together"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    keep_levels = forms.MultipleChoiceField(
        label=_("Keep these levels together as the first group"),
        choices=Level.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Among the chosen managers. Everyone ticked under “Keep together” joins that group too."
        ),
    )
    keep_name = forms.CharField(
        label=_("Name of the group kept together"),
        max_length=200,
        required=False,
        initial=_("The top management team"),
    )

    error_messages = {
        "invalid_choice": _(
            "Someone you chose is no longer in the pool (placed meanwhile or no longer active). "
            "The list is updated: choose again."
        ),
    }

    def __init__(self, *args, pool, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("people", "keep"):
            self.fields[name].queryset = pool
            self.fields[name].error_messages["invalid_choice"] = self.error_messages[
                "invalid_choice"
            ]
            self.fields[name].error_messages["invalid_pk_value"] = self.error_messages[
                "invalid_choice"
            ]

    def clean(self):
        data = super().clean()
        chosen = {p.pk: p for p in data.get("people") or []}
        kept = {p.pk: p for p in data.get("keep") or []}
        chosen.update(kept)
        if not chosen and "people" not in self.errors:
            self.add_error(
                "people",
                gettext("Choose at least one manager for the round: tick them in the list."),
            )
        levels = set(data.get("keep_levels") or [])
        kept.update({pk: p for pk, p in chosen.items() if p.level in levels})
        data["chosen"] = list(chosen.values())
        data["kept"] = list(kept.values())
        return data


class MoveForm(ErrorSummaryMixin, forms.Form):
    """Move the ticked people of a proposal to one of its groups."""

    move = forms.TypedMultipleChoiceField(
        label=_("People to move"), coerce=int, required=True, widget=forms.CheckboxSelectMultiple
    )
    to_group = forms.TypedChoiceField(label=_("Move the ticked people to"), coerce=int)

    def __init__(self, *args, groups: list[tuple[int, str]], people: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_group"].choices = [("", _("Choose a group")), *groups]
        self.fields["move"].choices = [(pk, pk) for pk in people]
        self.fields["move"].error_messages = {
            "required": _("Tick the people you want to move."),
            "invalid_choice": _(
                "Someone you ticked is no longer in the proposal. Check the groups and try again."
            ),
        }
        self.fields["to_group"].error_messages = {
            "required": _("Choose the group to move them to."),
            "invalid_choice": _("Choose one of the proposal's groups."),
        }


class RecomposeForm(ErrorSummaryMixin, forms.Form):
    n_groups = forms.IntegerField(label=_("Number of groups"), min_value=1)

    def __init__(self, *args, fewest: int, most: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fewest, self.most = fewest, most
        self.fields["n_groups"].help_text = gettext(
            "From %(fewest)d to %(most)d. Your moves are replaced by a new proposal."
        ) % {"fewest": fewest, "most": most}

    def clean_n_groups(self):
        value = self.cleaned_data["n_groups"]
        if not self.fewest <= value <= self.most:
            raise forms.ValidationError(
                gettext("Choose between %(fewest)d and %(most)d groups.")
                % {"fewest": self.fewest, "most": self.most}
            )
        return value


class AcceptForm(ErrorSummaryMixin, forms.Form):
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm_warnings = forms.BooleanField(
        label=_("Accept the groups despite the warnings"), required=False
    )

    def __init__(self, *args, version: str, warning_count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_version = version
        self.warning_count = warning_count
        self.initial.setdefault("version", version)

    def clean(self):
        data = super().clean()
        if data.get("version") != self.current_version:
            raise forms.ValidationError(
                gettext(
                    "The proposal has changed since this page was shown (in another window or "
                    "tab). Check it and accept again."
                ),
                code="stale",
            )
        if self.warning_count and not data.get("confirm_warnings"):
            self.add_error(
                "confirm_warnings",
                gettext(
                    "The proposal has warnings. Tick the box to accept it anyway, or move "
                    "people first."
                ),
            )
        return data


class IntakeAddForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    group = forms.IntegerField(label=_("Group"))
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class GroupMoveForm(ErrorSummaryMixin, forms.Form):
    """Move one participant of a group to another group of the program.

    ``enrollments`` are the group's enrollments that may be named: those holding a place,
    and those already moved (so that a double submit reaches the service, which answers
    it without moving twice). Only the first kind is offered in the list.
    """

    enrollment = forms.IntegerField(label=_("Participant"), widget=forms.Select)
    to_group = forms.TypedChoiceField(label=_("Move to"), coerce=int)

    def __init__(self, *args, members, enrollments, group_choices, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrollments = enrollments
        self.groups = groups
        self.fields["enrollment"].widget.choices = [("", _("Choose a participant")), *members]
        self.fields["enrollment"].error_messages = {
            "required": _("Choose the participant to move."),
            "invalid": _("Choose the participant to move."),
        }
        self.fields["to_group"].choices = [("", _("Choose a group")), *group_choices]
        self.fields["to_group"].error_messages = {
            "required": _("Choose the group to move them to."),
            "invalid_choice": _("Choose one of the program's other groups."),
        }

    def clean_enrollment(self):
        enrollment = self.enrollments.filter(pk=self.cleaned_data["enrollment"]).first()
        if enrollment is None:
            raise forms.ValidationError(
                gettext("The participant is no longer in this group. Check the list and try again.")
            )
        return enrollment

    def clean_to_group(self):
        return self.groups[self.cleaned_data["to_group"]]
