from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from trustier import views, views_auth, views_two_factor

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", views_auth.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("account/security/", views_two_factor.security, name="two_factor"),
    path("account/security/set-up/", views_two_factor.setup, name="two_factor_setup"),
    path("account/security/recovery-codes/", views_two_factor.recovery, name="two_factor_recovery"),
    path("account/security/off/", views_two_factor.disable, name="two_factor_disable"),
    path("account/two-factor/", views_two_factor.verify, name="two_factor_verify"),
    path("o/<slug:slug>/security/", views_two_factor.organisation_security, name="organisation_security"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", views.health, name="health"),
    path("admin/", admin.site.urls),
    path("", include("assessments.urls")),
    path("", include("surveys.urls")),
    path("", include("reports.urls")),
    path("", include("feedback.urls")),
]
handler500 = "trustier.views.server_error"
