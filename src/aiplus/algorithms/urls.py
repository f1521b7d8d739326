from django.urls import path
from django.utils.translation import gettext_lazy as _

from aiplus.algorithms import views
from aiplus.core import navigation

app_name = "algorithms"

urlpatterns = [
    path("", views.models_page, name="models"),
    path("algorithms/", views.algorithms_page, name="algorithms"),
    path("hardware/", views.hardware_page, name="hardware"),
    path("open-source/", views.projects_page, name="projects"),
    path("labels/", views.label_check, name="label_check"),
    path("labels/write/", views.label_write, name="label_write"),
]
for stem, noun in (("models", "model"), ("algorithms", "algorithm"), ("hardware", "device"),
                   ("open-source", "project")):
    urlpatterns += [
        path(f"{stem}/new/", views.form[noun], name=f"{noun}_create"),
        path(f"{stem}/<int:pk>/", views.detail[noun], name=noun),
        path(f"{stem}/<int:pk>/edit/", views.form[noun], name=f"{noun}_edit"),
        path(f"{stem}/<int:pk>/publish/", views.publish[noun], name=f"{noun}_publish"),
    ]

# One entry: the four registers' pages link to one another (algorithms/tabs.html).
navigation.register("algorithms:models", _("模型与算法"), roles=None, order=50)
navigation.register("algorithms:label_check", _("生成内容标识检测"), roles=None, order=51)
