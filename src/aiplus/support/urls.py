from aiplus.support import simulation_views, views

app_name = views.route.namespace
urlpatterns = views.route.urlpatterns + simulation_views.route.urlpatterns
