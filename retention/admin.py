"""The platform's retention rules (no organisation), for the platform's operator only.

The rules of an organisation are HR's, on its own pages (``retention:rules``);
here a superuser records the installation's rules for the kinds of the
platform (``retention.kinds.PLATFORM``) and the decision they follow.
"""

from django import forms
from django.contrib import admin

from .kinds import KIND_CHOICES, PLATFORM_KEYS
from .models import RetentionRule


class PlatformRuleForm(forms.ModelForm):
    kind = forms.ChoiceField(choices=[c for c in KIND_CHOICES if c[0] in PLATFORM_KEYS])

    class Meta:
        model = RetentionRule
        fields = ["kind", "period_days", "decision_reference", "decided_on", "enabled"]


@admin.register(RetentionRule)
class PlatformRuleAdmin(admin.ModelAdmin):
    form = PlatformRuleForm
    list_display = ["kind", "period_days", "decision_reference", "decided_on", "enabled"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(organisation__isnull=True)

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)
