"""Logins, organisations and memberships in the admin, for the platform operator and HR."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from ..models import (
    Consultant,
    Membership,
    Organisation,
    Person,
    User,
)
from .scope import (
    OrganisationListFilter,
    OrganisationScopedAdmin,
    OrganisationScopedInline,
    hr_organisation_ids,
)


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
        # The slug is in every URL of the organisation, and its name stands in e-mails to
        # people of other organisations: only a superuser changes them. Password login is
        # turned off on the sign-in page, which first checks the organisation's provider.
        return [] if request.user.is_superuser else ["name", "slug", "password_login"]

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
