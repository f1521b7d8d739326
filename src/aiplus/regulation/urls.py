from django.urls import path

from aiplus.regulation import views

app_name = "regulation"

urlpatterns = [
    path("coverage/", views.coverage, name="coverage"),
    path("parameters/", views.parameters, name="parameters"),
    path("departments/", views.departments, name="departments"),
    path("glossary/", views.glossary, name="glossary"),
]
