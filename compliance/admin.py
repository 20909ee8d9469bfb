from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext as _

from compliance.access import client_ip
from compliance.api_tokens import api_token_create, api_token_revoke
from compliance.models import (
    AccessEvent,
    ApiToken,
    DeletionCertificate,
    JobRun,
    LegalHold,
    Organisation,
    RetentionPolicy,
)
from compliance.retention.policies import retention_policy_delete, retention_policy_save


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "subdivision", "time_zone")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not Organisation.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the application alone."""

    list_display = ("seq", "timestamp", "actor_username", "action", "target_type", "target_id", "ip")
    list_filter = ("action", "target_type")
    search_fields = ("actor_username", "target_id", "reason")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "status", "progress", "started_by", "created_at", "finished_at")
    list_filter = ("status", "kind")
    readonly_fields = [field.name for field in JobRun._meta.fields] + ["subject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Adding a token shows its secret once; afterwards only its first characters are known."""

    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    fields = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (*self.readonly_fields, "name", "user") if obj is not None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            return
        token, secret = api_token_create(user=obj.user, name=obj.name)
        obj.pk, obj.prefix, obj.digest, obj.created_at = token.pk, token.prefix, token.digest, token.created_at
        obj._state.adding = False
        messages.warning(request, _("Copy this token now; it is not shown again: %(secret)s") % {"secret": secret})

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for token in queryset:
            api_token_revoke(token=token)


class RetentionPermissions:
    """Retention rows follow the two retention permissions, not per-model ones."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("compliance.view_retention")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("compliance.view_retention")


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(RetentionPermissions, admin.ModelAdmin):
    """Every change goes through `retention_policy_save`, which logs old and new values."""

    list_display = ("category", "camera", "period", "unit", "action", "updated_at", "updated_by")
    fields = ("category", "camera", "period", "unit", "action")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("compliance.manage_retention")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("compliance.manage_retention")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only per-camera overrides can go; a category always keeps its default.
        allowed = request.user.has_perm("compliance.manage_retention")
        return allowed and (obj is None or obj.camera_id is not None)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("category", "camera") if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: RetentionPolicy, form: Any, change: bool) -> None:
        retention_policy_save(
            policy=obj, actor=request.user, period=obj.period, unit=obj.unit, action=obj.action, ip=client_ip(request)
        )

    def delete_model(self, request: HttpRequest, obj: RetentionPolicy) -> None:
        retention_policy_delete(policy=obj, actor=request.user, ip=client_ip(request))

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for policy in queryset.exclude(camera=None):
            retention_policy_delete(policy=policy, actor=request.user, ip=client_ip(request))


@admin.register(LegalHold)
class LegalHoldAdmin(RetentionPermissions, admin.ModelAdmin):
    """Read-only here: holds are placed and released on the Retention page, which logs both."""

    list_display = ("case_reference", "placed_by", "placed_at", "review_on", "released_at")
    readonly_fields = [field.name for field in LegalHold._meta.fields] + ["cameras", "recordings"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DeletionCertificate)
class DeletionCertificateAdmin(RetentionPermissions, admin.ModelAdmin):
    list_display = ("pk", "started_at", "finished_at")
    readonly_fields = [field.name for field in DeletionCertificate._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RoleAwareUserAdmin(UserAdmin):
    """Administrators who are not superusers manage accounts and roles, but cannot make
    anyone (themselves included) a superuser or hand out individual permissions."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return (*fields, "is_superuser", "user_permissions")


admin.site.unregister(User)
admin.site.register(User, RoleAwareUserAdmin)
