"""Django admin for the program's structure, scoped to the HR coordinator's organisations.

Writes that have cross-row rules go through ``programs.services`` (enrollments,
sessions); the forms check the same rules first so the coordinator gets a
message on the field instead of an error page. Agreement texts are private
between a participant and their line manager: only a superuser sees them.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from participants.admin import (
    OrganisationListFilter,
    OrganisationScopedAdmin,
    OrganisationScopedInline,
)

from .models import (
    Agreement,
    Attendance,
    CheckIn,
    Enrollment,
    Group,
    Module,
    Program,
    Round,
    Session,
)
from .places import holding_place_q
from .services import (
    enrollment_create,
    session_save,
    validate_module_order,
    validate_no_double_booking,
    validate_within_round,
)


def _related_only(field: str):
    return (field, admin.RelatedOnlyFieldListFilter)


# --- Program, modules, rounds, groups --------------------------------------------------


class ModuleInline(OrganisationScopedInline, admin.TabularInline):
    model = Module
    organisation_path = "program__organisation"
    extra = 0
    fields = ["order", "name", "duration_days", "responsible_consultant"]


class RoundInline(OrganisationScopedInline, admin.TabularInline):
    model = Round
    organisation_path = "program__organisation"
    extra = 0
    fields = ["number", "starts_on", "ends_on"]


@admin.register(Program)
class ProgramAdmin(OrganisationScopedAdmin):
    list_display = ["name", "organisation", "starts_on", "ends_on", "group_size"]
    list_filter = [OrganisationListFilter]
    list_select_related = ["organisation"]
    search_fields = ["name"]
    date_hierarchy = "starts_on"
    inlines = [ModuleInline, RoundInline]

    @admin.display(description=_("Group size"))
    def group_size(self, obj):
        return f"{obj.min_group_size}–{obj.max_group_size}"


@admin.register(Module)
class ModuleAdmin(OrganisationScopedAdmin):
    organisation_path = "program__organisation"
    list_display = ["order", "name", "program", "duration_days", "responsible_consultant"]
    list_display_links = ["order", "name"]
    list_filter = [OrganisationListFilter, _related_only("program")]
    list_select_related = ["program", "responsible_consultant"]
    search_fields = ["name", "program__name"]
    ordering = ["program__name", "order"]
    autocomplete_fields = ["responsible_consultant"]


@admin.register(Round)
class RoundAdmin(OrganisationScopedAdmin):
    organisation_path = "program__organisation"
    list_display = ["__str__", "program", "starts_on", "ends_on", "group_count"]
    list_filter = [OrganisationListFilter, _related_only("program")]
    list_select_related = ["program"]
    search_fields = ["program__name"]
    ordering = ["program__name", "number"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(group_count=Count("groups"))

    @admin.display(description=_("Development groups"), ordering="group_count")
    def group_count(self, obj):
        return obj.group_count


@admin.register(Group)
class GroupAdmin(OrganisationScopedAdmin):
    organisation_path = "round__program__organisation"
    list_display = ["__str__", "round", "program", "size"]
    list_filter = [OrganisationListFilter, _related_only("round__program"), _related_only("round")]
    list_select_related = ["round__program"]
    search_fields = ["name", "round__program__name"]
    ordering = ["round__program__name", "round__number", "number"]
    autocomplete_fields = ["process_leaders"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(size=Count("enrollments", filter=holding_place_q("enrollments__")))
        )

    @admin.display(description=_("program"), ordering="round__program__name")
    def program(self, obj):
        return obj.round.program

    @admin.display(description=_("Participants"), ordering="size")
    def size(self, obj):
        return obj.size


# --- Enrollments ---------------------------------------------------------------------


class EnrollmentAddForm(forms.ModelForm):
    """A new place: the same checks as ``enrollment_create``, shown on the form."""

    class Meta:
        model = Enrollment
        fields = ["person", "group", "status"]

    def clean(self):
        cleaned = super().clean()
        person, group = cleaned.get("person"), cleaned.get("group")
        if person is None or group is None:
            return cleaned
        program = group.round.program
        if person.organisation_id != program.organisation_id:
            self.add_error("person", _("The manager belongs to another organisation."))
        elif Enrollment.objects.filter(person=person, program=program).holding_place().exists():
            self.add_error("person", _("This manager is already enrolled in the program."))
        return cleaned


@admin.register(Enrollment)
class EnrollmentAdmin(OrganisationScopedAdmin):
    organisation_path = "program__organisation"
    list_display = ["person", "department", "group", "program", "status", "created_at"]
    list_filter = [
        OrganisationListFilter,
        "status",
        _related_only("program"),
        _related_only("group__round"),
        _related_only("person__department"),
    ]
    list_select_related = ["person__department", "group", "program"]
    search_fields = [
        "person__first_name",
        "person__last_name",
        "person__employee_number",
        "group__name",
    ]
    ordering = ["person__last_name", "person__first_name"]
    autocomplete_fields = ["person", "group"]

    def get_queryset(self, request):
        # Also for the autocomplete of attendance and agreements, which prints person and
        # group. (A queryset that already selects related rows makes the changelist skip
        # list_select_related, so the same list is used.)
        return super().get_queryset(request).select_related(*self.list_select_related)

    @admin.display(description=_("department"), ordering="person__department__name")
    def department(self, obj):
        return obj.person.department

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = EnrollmentAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["person", "group", "status"]
        return ["person", "group", "program", "status", "moved_from", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a participant to another group is a workflow of its own.
        return [] if obj is None else ["person", "group", "program", "moved_from", "created_at"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["status"])
            return
        result = enrollment_create(
            person=form.cleaned_data["person"],
            group=form.cleaned_data["group"],
            status=form.cleaned_data["status"],
        )
        obj.pk, obj.program, obj.created_at = (
            result.obj.pk,
            result.obj.program,
            result.obj.created_at,
        )
        for warning in result.warnings:
            self.message_user(request, warning, messages.WARNING)


# --- Sessions and attendance ------------------------------------------------------------


class SessionForm(forms.ModelForm):
    """The module must be the group's program's, sessions follow the module order, new
    or changed times lie within the round's dates, and a new or changed booking does not
    double-book the process leader (in any organisation)."""

    def clean(self):
        cleaned = super().clean()
        group, module = cleaned.get("group"), cleaned.get("module")
        starts_at = cleaned.get("starts_at")
        if group is None or module is None or starts_at is None:
            return cleaned
        if module.program_id != group.round.program_id:
            self.add_error("module", _("The module belongs to another program."))
            return cleaned
        candidate = Session(pk=self.instance.pk, group=group, module=module, starts_at=starts_at)
        try:
            validate_module_order(session=candidate)
        except ValidationError as error:
            self.add_error(None, error)
        ends_at = cleaned.get("ends_at")
        times_changed = {"starts_at", "ends_at"} & set(self.changed_data)
        if ends_at is not None and (self.instance.pk is None or times_changed):
            candidate.ends_at = ends_at
            try:
                validate_within_round(session=candidate, round_=group.round)
            except ValidationError as error:
                self.add_error(None, error)
        booking_changed = {"starts_at", "ends_at", "process_leader"} & set(self.changed_data)
        if ends_at is not None and (self.instance.pk is None or booking_changed):
            candidate.ends_at = ends_at
            candidate.process_leader = cleaned.get("process_leader")
            try:
                validate_no_double_booking(
                    session=candidate, organisation_id=group.round.program.organisation_id
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(Session)
class SessionAdmin(OrganisationScopedAdmin):
    form = SessionForm
    organisation_path = "group__round__program__organisation"
    list_display = ["group", "module", "starts_at", "venue", "process_leader"]
    list_filter = [
        OrganisationListFilter,
        _related_only("module__program"),
        _related_only("module"),
        _related_only("group__round"),
        _related_only("process_leader"),
    ]
    list_select_related = ["group", "module", "process_leader"]
    search_fields = ["group__name", "module__name", "venue", "process_leader__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["group", "process_leader"]

    def get_queryset(self, request):
        # Also for the autocomplete of attendance, which prints group and module (see
        # EnrollmentAdmin.get_queryset).
        return super().get_queryset(request).select_related(*self.list_select_related)

    def save_model(self, request, obj, form, change):
        session_save(
            group=obj.group,
            module=obj.module,
            starts_at=obj.starts_at,
            ends_at=obj.ends_at,
            venue=obj.venue,
            process_leader=obj.process_leader,
            session=obj,
        )


class AttendanceForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        enrollment, session = cleaned.get("enrollment"), cleaned.get("session")
        if enrollment and session and enrollment.group_id != session.group_id:
            self.add_error(
                "session", _("The session belongs to another group than the participant's.")
            )
        return cleaned


@admin.register(Attendance)
class AttendanceAdmin(OrganisationScopedAdmin):
    form = AttendanceForm
    organisation_path = "enrollment__program__organisation"
    list_display = ["person", "session", "status"]
    list_filter = [
        OrganisationListFilter,
        "status",
        _related_only("session__module"),
        _related_only("session__group"),
    ]
    list_select_related = ["enrollment__person", "session__group", "session__module"]
    search_fields = [
        "enrollment__person__first_name",
        "enrollment__person__last_name",
        "enrollment__person__employee_number",
    ]
    autocomplete_fields = ["enrollment", "session"]

    @admin.display(description=_("manager"), ordering="enrollment__person__last_name")
    def person(self, obj):
        return obj.enrollment.person


# --- Agreements and check-ins -----------------------------------------------------------


@admin.register(Agreement)
class AgreementAdmin(OrganisationScopedAdmin):
    """Status only for coordinators: the texts belong to the participant and line manager.

    Nobody but a superuser may search, filter, read or change the texts here,
    and coordinators cannot change an agreement at all (that is the
    participant's and line manager's workflow).
    """

    organisation_path = "enrollment__program__organisation"
    list_display = ["person", "stage", "status", "submitted_at", "agreed_at"]
    list_filter = [OrganisationListFilter, "stage", "status"]
    list_select_related = ["enrollment__person"]
    # Never the texts: a search would reveal what they contain.
    search_fields = [
        "enrollment__person__first_name",
        "enrollment__person__last_name",
        "enrollment__person__employee_number",
    ]
    autocomplete_fields = ["enrollment", "agreed_by"]
    private_fields = ("texts", "return_comment")

    @admin.display(description=_("manager"), ordering="enrollment__person__last_name")
    def person(self, obj):
        return obj.enrollment.person

    def get_fields(self, request, obj=None):
        fields = ["enrollment", "stage", "status", "submitted_at", "agreed_at", "agreed_by"]
        if request.user.is_superuser:
            fields[3:3] = list(self.private_fields)
        return fields

    def get_exclude(self, request, obj=None):
        return None if request.user.is_superuser else list(self.private_fields)

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class CheckInForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        program, module = cleaned.get("program"), cleaned.get("module")
        if program and module and module.program_id != program.pk:
            self.add_error("module", _("The module belongs to another program."))
        return cleaned


@admin.register(CheckIn)
class CheckInAdmin(OrganisationScopedAdmin):
    form = CheckInForm
    organisation_path = "program__organisation"
    list_display = ["held_on", "program", "module", "consultant", "project_leader"]
    list_filter = [
        OrganisationListFilter,
        _related_only("program"),
        _related_only("module"),
        _related_only("consultant"),
    ]
    list_select_related = ["program", "module", "consultant", "project_leader"]
    search_fields = ["observations", "corrections", "follow_up", "consultant__name"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["consultant", "project_leader"]
