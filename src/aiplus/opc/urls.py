from aiplus.opc import views

app_name = views.route.namespace
urlpatterns = views.route.urlpatterns
