from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from compliance.forms import LoginForm
from compliance.views import access_log, certificates, dashboard, jobs, organisation, retention

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("health/", dashboard.health, name="health"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("access-log/", access_log.access_log, name="access_log"),
    path("access-log/verify/", access_log.access_log_verify, name="access_log_verify"),
    path("retention/", retention.retention, name="retention"),
    path("retention/policies/<int:pk>/", retention.retention_policy, name="retention_policy"),
    path("retention/policies/add/", retention.retention_override_add, name="retention_override_add"),
    path("retention/policies/<int:pk>/delete/", retention.retention_override_delete, name="retention_override_delete"),
    path("retention/holds/add/", retention.legal_hold_add, name="legal_hold_add"),
    path("retention/holds/<int:pk>/release/", retention.legal_hold_release_view, name="legal_hold_release"),
    path("retention/certificates/<int:pk>/", certificates.certificate_detail, name="deletion_certificate"),
    path("retention/certificates/<int:pk>/pdf/", certificates.certificate_pdf, name="deletion_certificate_pdf"),
    path("settings/", organisation.organisation_settings, name="organisation_settings"),
    path("jobs/<int:pk>/progress/", jobs.job_progress, name="job_progress"),
    path("jobs/<int:pk>/cancel/", jobs.job_cancel_view, name="job_cancel"),
    path("footage/", include("media_processing.urls")),
    path("dsar/", include("dsar.urls")),
    path("dpia/", include("dpia.urls")),
    path("request/", include("dsar.public_urls")),
    path("download/", include("dsar.download_urls")),
    path("api/v1/", include("media_processing.api")),
    path("api/v1/", include("dsar.api")),
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="api_schema"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Obscura"
admin.site.site_title = "Obscura"
