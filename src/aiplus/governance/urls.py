from aiplus.governance import incident_views, risk_views, views

app_name = views.route.namespace
urlpatterns = views.route.urlpatterns
assert incident_views.route is views.route  # the incident pages are declared on the same routes
assert risk_views.route is views.route  # and the AI application and supervision pages
