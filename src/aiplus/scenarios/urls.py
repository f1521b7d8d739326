from django.urls import path
from django.utils.translation import gettext_lazy as _

from aiplus.core import navigation
from aiplus.scenarios import views

app_name = "scenarios"

urlpatterns = [
    path("", views.needs, name="needs"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/import/", views.import_needs, name="import"),
    path("needs/<int:need_id>/", views.need_detail, name="need"),
    path("needs/<int:need_id>/edit/", views.need_edit, name="need_edit"),
    path("needs/<int:need_id>/transition/", views.need_transition, name="need_transition"),
    path("needs/<int:need_id>/co-publish/", views.need_co_publish, name="need_co_publish"),
    path("taxonomy/", views.taxonomy, name="taxonomy"),
    path("lists/", views.lists, name="lists"),
    path("lists/publish/", views.list_publish, name="list_publish"),
    path("lists/<int:list_id>/", views.list_detail, name="list"),
    path("lists/<int:list_id>/export.xlsx", views.list_export, name="list_export"),
    path("profiles/", views.profiles, name="profiles"),
    path("profiles/new/", views.profile_form, name="profile_create"),
    path("profiles/<int:profile_id>/", views.profile_detail, name="profile"),
    path("profiles/<int:profile_id>/edit/", views.profile_form, name="profile_edit"),
    path("pool/", views.pool, name="pool"),
    path("calls/", views.calls, name="calls"),
    path("calls/new/", views.call_create, name="call_create"),
    path("calls/<int:call_id>/", views.call_detail, name="call"),
    path("calls/<int:call_id>/action/", views.call_action, name="call_action"),
    path("calls/<int:call_id>/edit/", views.call_edit, name="call_edit"),
    path("pilots/", views.pilots, name="pilots"),
    path("pilots/<int:pilot_id>/", views.pilot_detail, name="pilot"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("dashboard/", views.dashboard, name="dashboard"),
]

navigation.register("scenarios:needs", _("应用场景"), roles=None, order=20)
navigation.register("scenarios:calls", _("揭榜挂帅"), roles=None, order=21)
navigation.register("scenarios:cases", _("典型案例"), roles=None, order=22)
navigation.register("scenarios:profiles", _("能力清单"), roles=None, order=23)
navigation.register("scenarios:pilots", _("场景试点"), roles={"official", "auditor", "enterprise_member", "provider"},
                    order=24)
navigation.register("scenarios:dashboard", _("场景看板"), roles={"official", "auditor"}, order=25)
navigation.register("scenarios:pool", _("服务商资源池"), roles={"official", "auditor", "enterprise_member", "provider"},
                    order=26)
navigation.register("scenarios:taxonomy", _("场景分类"), roles=None, order=27)

