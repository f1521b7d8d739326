from aiplus.sandbox import views

app_name = views.route.namespace
urlpatterns = views.route.urlpatterns
