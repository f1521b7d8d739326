from django.urls import path
from django.utils.translation import gettext_lazy as _

from aiplus.core import navigation, permissions
from aiplus.experts import views

app_name = "experts"

urlpatterns = [
    path("", views.pool, name="pool"),
    path("register/", views.register, name="register"),
    path("me/", views.me, name="me"),
    path("draws/", views.draw_list, name="draws"),
    path("draws/new/", views.draw_create, name="draw_create"),
    path("draws/<int:draw_id>/", views.draw_detail, name="draw"),
    path("draws/<int:draw_id>/verify/", views.draw_verify, name="draw_verify"),
    path("consultations/", views.consultation_list, name="consultations"),
    path("consultations/<int:consultation_id>/", views.consultation_detail, name="consultation"),
]

_OFFICIALS = {permissions.OFFICIAL, permissions.AUDITOR}
navigation.register("experts:pool", _("专家库"), roles=_OFFICIALS, order=40)
navigation.register("experts:draws", _("专家抽取"), roles=_OFFICIALS, order=41)
navigation.register("experts:me", _("我的专家档案"), roles={permissions.EXPERT}, order=42)
navigation.register("experts:consultations", _("专家咨询"), roles=_OFFICIALS | {permissions.EXPERT}, order=43)

