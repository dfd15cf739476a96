"""The organisation scoping every admin of the project uses.

A superuser sees everything. Any other staff user sees only the rows of the
organisations in which they hold the HR role, needs that role to use the
admin at all (on top of Django's model permissions), and can choose related
objects (foreign keys, many-to-many, autocomplete) only from those
organisations. An object outside that scope does not exist for them: the
change page redirects to the admin index like a deleted object.
"""

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.db.models import QuerySet

from ..models import (
    STORED_ROLES,
    Membership,
    Organisation,
    Role,
)
from ..signin import sign_in_organisation_ids


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
