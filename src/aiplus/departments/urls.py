from aiplus.departments import views

app_name = views.route.namespace
urlpatterns = views.route.urlpatterns
