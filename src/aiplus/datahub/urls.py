from aiplus.datahub import views
from aiplus.datahub.views import access, assessment, assets, catalogue, data_services, filings, harvest  # noqa: F401

# Importing the view modules declares their routes and menu entries on `views.route` (core.routing).
app_name = views.route.namespace
urlpatterns = views.route.urlpatterns
