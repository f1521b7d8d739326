from django.urls import path
from django.utils.translation import gettext_lazy as _

from aiplus.core import navigation
from aiplus.datahub.views import access, assessment, assets, catalogue, data_services, filings, harvest

app_name = "datahub"

urlpatterns = [
    path("", catalogue.catalogue, name="catalogue"),
    path("catalogue.jsonld", catalogue.catalogue_dcat, name="catalogue_dcat"),
    path("catalogue/import/", catalogue.catalogue_import, name="catalogue_import"),
    path("harvest/", harvest.harvest_sources, name="harvest"),
    path("datasets/new/", catalogue.dataset_form, name="dataset_create"),
    path("datasets/<int:dataset_id>/", catalogue.dataset_detail, name="dataset"),
    path("datasets/<int:dataset_id>/edit/", catalogue.dataset_form, name="dataset_edit"),
    path("services/", data_services.data_services, name="services"),
    path("services/new/", data_services.service_form, name="service_create"),
    path("services/<int:service_id>/edit/", data_services.service_form, name="service_edit"),
    path("datasets/<int:dataset_id>/dcat.jsonld", catalogue.dataset_dcat, name="dataset_dcat"),
    path("datasets/<int:dataset_id>/request/", access.access_request_create, name="access_request_create"),
    path("access/", access.access_requests, name="access_requests"),
    path("access/<int:request_id>/", access.access_request_detail, name="access_request"),
    path("access/<int:request_id>/act/", access.access_request_act, name="access_request_act"),
    path("assess/", assessment.assess, name="assess"),
    path("assess/decision/", assessment.assess_decision, name="assess_decision"),
    path("assess/record/", assessment.assess_record, name="assess_record"),
    path("filings/", filings.filings, name="filings"),
    path("filings/<int:filing_id>/receipt/", filings.filing_receipt, name="filing_receipt"),
    path("assets/", assets.assets, name="assets"),
]

navigation.register("datahub:catalogue", _("数据目录"), roles=None, order=40)
navigation.register("datahub:assess", _("数据出境自评"), roles=None, order=41)
navigation.register("datahub:access_requests", _("数据使用申请"),
                    roles={"enterprise_member", "provider", "official", "auditor"}, order=42)
navigation.register("datahub:filings", _("出境备案与时限"), roles={"official", "auditor", "enterprise_member"},
                    order=43)
navigation.register("datahub:harvest", _("数据目录采集"), roles={"official", "auditor"}, order=45)
navigation.register("datahub:assets", _("数据分类分级"), roles={"enterprise_member", "provider", "official"},
                    order=44)
