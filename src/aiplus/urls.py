from django.contrib import admin
from django.urls import include, path

from aiplus.api.root import api
from aiplus.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # liveness: no database (aiplus.core.health)
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("experts/", include("aiplus.experts.urls")),
    path("scenarios/", include("aiplus.scenarios.urls")),
    path("compute/", include("aiplus.compute.urls")),
    path("data/", include("aiplus.datahub.urls")),
    path("algorithms/", include("aiplus.algorithms.urls")),
    path("governance/", include("aiplus.governance.urls")),
    path("support/", include("aiplus.support.urls")),
    path("departments/", include("aiplus.departments.urls")),
    path("sandbox/", include("aiplus.sandbox.urls")),
    path("opc/", include("aiplus.opc.urls")),
    path("insights/", include("aiplus.insights.urls")),
    path("evaluation/", include("aiplus.evaluation.urls")),
    path("participation/", include("aiplus.participation.urls")),
    path("measures/", include("aiplus.measures.urls")),
    path("", include("aiplus.core.urls")),
    path("", include("aiplus.regulation.urls")),
    path("", include("aiplus.portal.urls")),
]

# Error pages in the visitor's language (templates 403.html, 404.html, 500.html), JSON under /api/.
handler400 = "aiplus.portal.errors.bad_request"
handler403 = "aiplus.portal.errors.permission_denied"
handler404 = "aiplus.portal.errors.page_not_found"
handler500 = "aiplus.portal.errors.server_error"
