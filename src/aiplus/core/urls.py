from django.contrib.auth import views as auth_views

from aiplus.core import account, views  # noqa: F401  importing them declares their routes (core.routing)

app_name = views.route.namespace
views.route("logout/", "logout")(auth_views.LogoutView.as_view())
urlpatterns = views.route.urlpatterns
