from django.contrib.auth import views as auth_views
from django.urls import path

from aiplus.core import account, views

app_name = "core"

urlpatterns = [
    path("login/", account.SignInView.as_view(), name="login"),
    path("login/code/", account.login_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/tokens/", views.api_tokens, name="api_tokens"),
    path("account/two-factor/", account.two_factor, name="two_factor"),
    path("jurisdictions/", views.jurisdictions, name="jurisdictions"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:organisation_id>/", views.organisation_detail, name="organisation_detail"),
    path("audit/", views.audit, name="audit"),
    path("notifications/", views.notifications, name="notifications"),
    path("jobs/self-check/", views.start_self_check, name="start_self_check"),
    path("jobs/<int:job_id>/", views.job, name="job"),
    path("calendar/", views.holiday_calendar, name="holidays"),
]
