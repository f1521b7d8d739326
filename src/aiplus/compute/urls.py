from django.urls import path
from django.utils.translation import gettext_lazy as _

from aiplus.compute import views
from aiplus.core import navigation

app_name = "compute"

urlpatterns = [
    path("", views.capacity, name="capacity"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path("provider/", views.provider, name="provider"),
    path("provider/centres/", views.register_centre, name="register_centre"),
    path("provider/pools/", views.add_pool, name="add_pool"),
    path("provider/pools/<int:pool_id>/availability/", views.availability, name="availability"),
    path("provider/usage/", views.import_usage, name="import_usage"),
    path("usage/", views.usage, name="usage"),
    path("vouchers/", views.vouchers, name="vouchers"),
    path("vouchers/programmes/", views.create_programme, name="create_programme"),
    path("vouchers/quotas/", views.issue_quota, name="issue_quota"),
    path("vouchers/redemptions/", views.redemptions, name="redemptions"),
    path("savings/", views.savings, name="savings"),
    path("savings/<int:study_id>/", views.study_detail, name="study"),
]

navigation.register("compute:capacity", _("算力资源"), roles=None, order=40)
navigation.register("compute:requests", _("算力需求"), roles={"enterprise_member", "official"}, order=41)
navigation.register("compute:provider", _("算力服务商"), roles={"provider"}, order=42)
navigation.register("compute:vouchers", _("算力券"), roles={"official", "auditor", "enterprise_member"}, order=43)
navigation.register("compute:savings", _("调度收益模拟"), roles={"official", "auditor"}, order=44)
