"""Departments, managers, consultants and the log of imports in the admin."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..accounts import consultant_login_link_send, login_email_change_request, normalise_email
from ..models import (
    Consultant,
    Department,
    ManagerImport,
    Person,
)
from ..services import person_save, validate_line_manager
from .scope import OrganisationListFilter, OrganisationScopedAdmin, hr_organisation_ids


class DepartmentForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        parent, organisation = cleaned.get("parent"), cleaned.get("organisation")
        if parent is None or organisation is None:
            return cleaned
        if parent.organisation_id != organisation.pk:
            self.add_error(
                "parent", _("The department above must belong to the same organisation.")
            )
            return cleaned
        ancestor, seen = parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.instance.pk is not None and ancestor.pk == self.instance.pk:
                self.add_error(
                    "parent", _("A department cannot be placed under itself or one of its parts.")
                )
                break
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
        return cleaned


@admin.register(Department)
class DepartmentAdmin(OrganisationScopedAdmin):
    form = DepartmentForm
    list_display = ["name", "parent", "organisation"]
    list_filter = [OrganisationListFilter, ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent", "organisation"]
    search_fields = ["name"]
    ordering = ["organisation__name", "name"]


class PersonForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        # On a change the organisation is read-only, so it is the record's own.
        organisation = cleaned.get("organisation") or (
            self.instance.organisation if self.instance.organisation_id else None
        )
        department = cleaned.get("department")
        if organisation and department and department.organisation_id != organisation.pk:
            self.add_error("department", _("The department must belong to the same organisation."))
        if organisation and "line_manager" in cleaned:
            self.instance.organisation = organisation
            try:
                validate_line_manager(person=self.instance, line_manager=cleaned["line_manager"])
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(Person)
class PersonAdmin(OrganisationScopedAdmin):
    form = PersonForm
    list_display = [
        "last_name",
        "first_name",
        "employee_number",
        "department",
        "level",
        "line_manager",
        "active",
    ]
    list_display_links = ["last_name", "first_name"]
    list_filter = [
        OrganisationListFilter,
        "level",
        "active",
        ("department", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["department", "line_manager"]
    search_fields = ["employee_number", "first_name", "last_name", "email"]
    autocomplete_fields = ["line_manager", "user"]
    ordering = ["last_name", "first_name"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Linking a login is its holder's to confirm (participants.accounts); a record,
            # and the login linked to it, never moves to another organisation.
            readonly.append("user")
            if obj is not None:
                readonly.append("organisation")
        return readonly

    def save_model(self, request, obj, form, change):
        person_save(person=obj)


@admin.register(Consultant)
class ConsultantAdmin(OrganisationScopedAdmin):
    """Consultants. A coordinator sees only their own organisations on a consultant, never
    another organisation's name, and cannot link a login (its holder confirms that)."""

    list_display = ["name", "firm", "email", "user"]
    list_filter = [OrganisationListFilter, "firm"]
    list_select_related = ["user"]
    search_fields = ["name", "firm", "email"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["organisations"]
    actions = ["send_login_links"]

    @admin.action(description=_("Send a login link (or ask the holder of an existing login)"))
    def send_login_links(self, request, queryset):
        ids = hr_organisation_ids(request)
        sent = 0
        with transaction.atomic():
            for consultant in queryset:
                # The e-mail names an organisation the consultant works for.
                here = consultant.organisations.order_by("name")
                here = (here if request.user.is_superuser else here.filter(pk__in=ids)).first()
                if here is None:
                    continue
                sent += consultant_login_link_send(consultant=consultant, organisation=here)
        self.message_user(
            request,
            ngettext("%(count)d e-mail is on its way.", "%(count)d e-mails are on their way.", sent)
            % {"count": sent},
        )

    def in_organisations(self, queryset, organisation_ids):
        # Through the many-to-many without duplicate rows.
        return queryset.filter(
            pk__in=Consultant.objects.filter(organisations__in=organisation_ids).values("pk")
        )

    def reaches_outside(self, request, obj):
        """Read-only when shared with another organisation: their login works there too."""
        return obj.organisations.exclude(pk__in=hr_organisation_ids(request)).exists()

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # What this coordinator may read of the consultant's organisations.
            obj.visible_organisation_ids = hr_organisation_ids(request)
        return obj

    @admin.display(description=_("organisations"))
    def organisations_here(self, obj):
        ids = getattr(obj, "visible_organisation_ids", None)
        if obj is None or obj.pk is None or ids is None:
            return ""
        return ", ".join(o.name for o in obj.organisations.filter(pk__in=ids).order_by("name"))

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not request.user.is_superuser:
            fields = [f for f in fields if f != "organisations"]
            if obj is not None:
                fields.append("organisations_here")
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["user", "organisations_here"]
        return readonly

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not request.user.is_superuser and not change:
            # A new consultant works for the coordinator's organisations.
            form.instance.organisations.add(*hr_organisation_ids(request))

    def save_model(self, request, obj, form, change):
        old_email = Consultant.objects.filter(pk=obj.pk).values_list("email", flat=True).first()
        super().save_model(request, obj, form, change)
        if (
            change
            and obj.user_id
            and normalise_email(old_email or "") != normalise_email(obj.email)
        ):
            ids = hr_organisation_ids(request)
            organisation = obj.organisations.filter(pk__in=ids).order_by("name").first()
            if organisation is not None:
                login_email_change_request(
                    user=obj.user, organisation=organisation, new_email=obj.email, consultant=obj
                )


@admin.register(ManagerImport)
class ManagerImportAdmin(OrganisationScopedAdmin):
    """A log of uploads, read-only: imports are previewed and applied on the import pages."""

    list_display = ["filename", "organisation", "status", "uploaded_by", "created_at", "applied_at"]
    list_filter = [OrganisationListFilter, "status"]
    list_select_related = ["organisation", "uploaded_by"]
    search_fields = ["filename"]
    date_hierarchy = "created_at"
    fields = ["filename", "organisation", "status", "uploaded_by", "created_at", "applied_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
