"""The API under /api/v1/: every app adds its router here. The UI and the API call the same services."""

from ninja import NinjaAPI

from aiplus.algorithms.api import router as algorithms_router
from aiplus.api import errors
from aiplus.api.auth import OPTIONAL
from aiplus.api.parser import BoundedJsonParser
from aiplus.compute.api import router as compute_router
from aiplus.core.api import router as core_router
from aiplus.datahub.api import router as datahub_router
from aiplus.departments.api import router as departments_router
from aiplus.evaluation.api import router as evaluation_router
from aiplus.experts.api import router as experts_router
from aiplus.governance.api import router as governance_router
from aiplus.insights.api import router as insights_router
from aiplus.measures.api import router as measures_router
from aiplus.opc.api import router as opc_router
from aiplus.participation.api import router as participation_router
from aiplus.regulation.api import router as regulation_router
from aiplus.sandbox.api import router as sandbox_router
from aiplus.scenarios.api import router as scenarios_router
from aiplus.support.api import router as support_router

api = NinjaAPI(
    title="aiplus API",
    version="1",
    description="人工智能促进条例实施平台接口 / API of the AI promotion regulation platform. "
    "Errors always have the form {\"code\", \"message\", \"field\"}; messages follow Accept-Language.",
    auth=OPTIONAL,
    urls_namespace="api",
    parser=BoundedJsonParser(),
)
errors.install(api)
api.add_router("/", core_router)
api.add_router("/regulation", regulation_router)
api.add_router("/experts", experts_router)
api.add_router("/scenarios", scenarios_router)
api.add_router("/compute", compute_router)
api.add_router("/data", datahub_router)
api.add_router("/algorithms", algorithms_router)
api.add_router("/governance", governance_router)
api.add_router("/support", support_router)
api.add_router("/departments", departments_router)
api.add_router("/sandbox", sandbox_router)
api.add_router("/opc", opc_router)
api.add_router("/insights", insights_router)
api.add_router("/evaluation", evaluation_router)
api.add_router("/participation", participation_router)
api.add_router("/measures", measures_router)
