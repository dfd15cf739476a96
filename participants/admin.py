"""Django admin for people and organisations, and the organisation scoping every admin uses.

A superuser sees everything. Any other staff user sees only the rows of the
organisations in which they hold the HR role, needs that role to use the
admin at all (on top of Django's model permissions), and can choose related
objects (foreign keys, many-to-many, autocomplete) only from those
organisations. An object outside that scope does not exist for them: the
change page redirects to the admin index like a deleted object.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .accounts import consultant_login_link_send, login_email_change_request, normalise_email
from .models import (
    STORED_ROLES,
    Consultant,
    Department,
    ManagerImport,
    Membership,
    Organisation,
    Person,
    Role,
    User,
)
from .services import person_save, validate_line_manager
from .signin import sign_in_organisation_ids


def hr_organisation_ids(request) -> frozenset[int]:
    """Ids of the organisations where the requesting user is HR coordinator (once per request)."""
    cached = getattr(request, "_hr_organisation_ids", None)
    if cached is None:
        held = Membership.objects.filter(user=request.user, role=Role.HR).values_list(
            "organisation_id", flat=True
        )
        # Only those whose pages this session's sign-in opens (participants.signin).
        cached = frozenset(sign_in_organisation_ids(request, set(held)))
        request._hr_organisation_ids = cached
    return cached


class OrganisationListFilter(admin.SimpleListFilter):
    """Filter by organisation, offering only the organisations the user administers."""

    title = Organisation._meta.verbose_name
    parameter_name = "organisation"

    def __init__(self, request, params, model, model_admin):
        self.model_admin = model_admin
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        organisations = Organisation.objects.order_by("name")
        if not request.user.is_superuser:
            organisations = organisations.filter(pk__in=hr_organisation_ids(request))
        return [(str(pk), name) for pk, name in organisations.values_list("pk", "name")]

    def has_output(self):
        # Someone who administers a single organisation has nothing to choose.
        return len(self.lookup_choices) > 1

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return self.model_admin.in_organisations(queryset, [self.value()])


class _OrganisationScope:
    """Shared by model admins and inlines: rows and choices limited to the HR organisations."""

    # Lookup from the model to its Organisation, e.g. "round__program__organisation".
    organisation_path: str = "organisation"

    def in_organisations(self, queryset: QuerySet, organisation_ids) -> QuerySet:
        return queryset.filter(**{f"{self.organisation_path}__in": organisation_ids})

    def scope(self, request, queryset: QuerySet) -> QuerySet:
        if request.user.is_superuser:
            return queryset
        return self.in_organisations(queryset, hr_organisation_ids(request))

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request))

    def may_administer(self, request) -> bool:
        return request.user.is_superuser or bool(hr_organisation_ids(request))

    def _scoped_choices(self, db_field, request):
        """The choices of a relation field for this user, or None to leave Django's default."""
        if request.user.is_superuser:
            return None
        related = db_field.remote_field.model
        try:
            related_admin = self.admin_site.get_model_admin(related)
        except NotRegistered:
            related_admin = None
        if not isinstance(related_admin, _OrganisationScope):
            # Fail closed: a relation we cannot scope offers nothing.
            return related._default_manager.none()
        queryset = related_admin.scope(request, related._default_manager.all())
        ordering = related_admin.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = self._scoped_choices(db_field, request)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        choices = self._scoped_choices(db_field, request)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and db_field.model is Membership:
            # Participant and line manager follow from the people data; never stored.
            kwargs["choices"] = [(role.value, role.label) for role in STORED_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class OrganisationScopedAdmin(_OrganisationScope, admin.ModelAdmin):
    """Base for every model admin of the project."""

    def reaches_outside(self, request, obj) -> bool:
        """True if changing ``obj`` would affect an organisation the user does not administer."""
        return False

    def has_module_permission(self, request):
        return self.may_administer(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.may_administer(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self.may_administer(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and self.reaches_outside(request, obj):
            return False
        return self.may_administer(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and self.reaches_outside(request, obj):
            return False
        return self.may_administer(request) and super().has_delete_permission(request, obj)


class OrganisationScopedInline(_OrganisationScope):
    """Mix into TabularInline/StackedInline before the Django class."""


# --- Users and memberships ---------------------------------------------------------------


class MembershipInline(OrganisationScopedInline, admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(OrganisationScopedAdmin, BaseUserAdmin):
    """Logins. A coordinator sees only logins whose every role is in their organisations,
    and may grant or end roles there; a login itself (address, password, active state)
    is its holder's, so only a superuser changes it. Coordinators create logins through
    the app's login links and invitations (``participants.accounts``), never here."""

    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = [OrganisationListFilter, "memberships__role", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email"]}),
        (_("Personal info"), {"fields": ["full_name"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    superuser_fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["full_name"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]
    HOLDER_FIELDS = ["email", "full_name", "is_active", "is_staff", "is_superuser"]

    def in_organisations(self, queryset, organisation_ids):
        """Users with a membership, a manager record or a consultant record in the organisations."""
        people = Person.objects.filter(organisation_id__in=organisation_ids)
        consultants = Consultant.objects.filter(organisations__in=organisation_ids)
        return queryset.filter(
            Exists(
                Membership.objects.filter(user=OuterRef("pk"), organisation_id__in=organisation_ids)
            )
            | Exists(people.filter(user=OuterRef("pk")))
            | Exists(consultants.filter(user=OuterRef("pk")))
        )

    def scope(self, request, queryset):
        """Only logins held entirely inside the coordinator's organisations."""
        if request.user.is_superuser:
            return queryset
        ids = hr_organisation_ids(request)
        elsewhere = (
            Exists(Membership.objects.filter(user=OuterRef("pk")).exclude(organisation_id__in=ids))
            | Exists(Person.objects.filter(user=OuterRef("pk")).exclude(organisation_id__in=ids))
            | Exists(
                Consultant.objects.filter(user=OuterRef("pk")).filter(
                    Exists(
                        Consultant.organisations.through.objects.filter(
                            consultant_id=OuterRef("pk")
                        ).exclude(organisation_id__in=ids)
                    )
                )
            )
        )
        return self.in_organisations(queryset.filter(is_superuser=False), ids).exclude(elsewhere)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def get_fieldsets(self, request, obj=None):
        if obj is not None and request.user.is_superuser:
            return self.superuser_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += self.HOLDER_FIELDS
        return readonly

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin):
    organisation_path = "pk"
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_readonly_fields(self, request, obj=None):
        # The slug is in every URL of the organisation; only a superuser changes it.
        return [] if request.user.is_superuser else ["slug"]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if request.user.is_superuser else {}

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Membership)
class MembershipAdmin(OrganisationScopedAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = [OrganisationListFilter, "role"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]


# --- Departments, managers and consultants ------------------------------------------------


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
        organisation = cleaned.get("organisation")
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
            # Linking a login is its holder's to confirm (participants.accounts).
            readonly.append("user")
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
        organisation = Organisation.objects.filter(pk__in=ids).first() if ids else None
        sent = 0
        with transaction.atomic():
            for consultant in queryset:
                here = organisation or consultant.organisations.first()
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
            organisation = Organisation.objects.filter(pk__in=hr_organisation_ids(request)).first()
            if organisation is not None:
                login_email_change_request(
                    user=obj.user, organisation=organisation, new_email=obj.email
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
