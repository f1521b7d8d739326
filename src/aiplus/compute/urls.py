from aiplus.compute import views  # importing the views declares their routes and menu entries (core.routing)

app_name = views.route.namespace
urlpatterns = views.route.urlpatterns
