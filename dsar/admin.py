from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from compliance.access import client_ip
from dsar.answer.disclosures import disclosure_save
from dsar.models import Disclosure


@admin.register(Disclosure)
class DisclosureAdmin(admin.ModelAdmin):
    """The disclosure register for those who may see requests (and superusers); entries
    are written through `disclosure_save`, which logs them, and never deleted: the
    register is what answers name recipients from."""

    list_display = ("recipient", "kind", "standing", "disclosed_on", "reference", "recorded_at")
    list_filter = ("kind", "standing")
    search_fields = ("recipient", "purpose", "reference")
    filter_horizontal = ("cameras",)
    readonly_fields = ("recorded_by", "recorded_at")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("dsar.view_dsar")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("dsar.view_dsar")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("dsar.handle_dsar")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("dsar.handle_dsar")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Disclosure, form: Any, change: bool) -> None:
        # The cameras are set by `disclosure_save` with the row; the admin must not set them again.
        disclosure_save(actor=request.user, disclosure=obj, cameras=form.cleaned_data["cameras"], ip=client_ip(request))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
