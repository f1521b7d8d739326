from aiplus.measures import views

app_name = views.route.namespace
urlpatterns = views.route.urlpatterns
