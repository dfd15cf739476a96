"""Status reports in the admin: read-only records, scoped to the HR coordinator's organisations.

Reports are written and generated through the app's pages (numbering and the
snapshot are the service's job), so the admin offers no add or change form.
"""

from django.contrib import admin

from participants.admin import OrganisationListFilter, OrganisationScopedAdmin

from .models import StatusReport


@admin.register(StatusReport)
class StatusReportAdmin(OrganisationScopedAdmin):
    organisation_path = "program__organisation"
    list_display = ["number", "program", "created_at", "period_start", "period_end", "status"]
    list_filter = [OrganisationListFilter, "status"]
    list_select_related = ["program"]
    search_fields = ["summary", "deviations", "decisions_requested"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "program",
        "number",
        "created_by",
        "created_at",
        "status",
        "attempts",
        "rendered_at",
        "file_name",
        "error_message",
        "snapshot",
    ]
    exclude = ["focus_round", "focus_module"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
