"""The JSON API under /api/v1/. Each area adds its own router; all share one NinjaAPI so that
one OpenAPI document describes everything. Errors have one shape (errors.py)."""

from . import appraisal, bulk, errors, events, sync, webhook_routes
from .assessments import cycles_router, evidence_router
from .assessments import router as assessments_router
from .decisions import router as decisions_router
from .document import FriendlyApi
from .feedback import router as feedback_router
from .frameworks import router as frameworks_router
from .rendering import LocalTimeRenderer
from .results import router as results_router
from .reviews import router as reviews_router
from .units import router as units_router

api = FriendlyApi(
    title="FriendlyGov API",
    version="1",
    description="Chính quyền cấp xã thân thiện, vì Nhân dân phục vụ: units, frameworks and ratings.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    renderer=LocalTimeRenderer(),
)
errors.install(api)
sync.install(api)
bulk.install(api)
for private in (
    cycles_router,
    appraisal.router,
    assessments_router,
    bulk.router,
    events.router,
    webhook_routes.router,
    evidence_router,
    decisions_router,
    feedback_router,
    reviews_router,
):
    errors.authenticate_other_methods(private)
api.add_router("/units", units_router)
api.add_router("/frameworks", frameworks_router)
api.add_router("/cycles", cycles_router)
api.add_router("/cycles", results_router)  # public once decided: its own router, same prefix
api.add_router("/assessments", appraisal.router)  # the review on the indicator, same prefix
api.add_router("/assessments", assessments_router)
api.add_router("/assessments", bulk.router)  # its own module, same prefix
api.add_router("/evidence", evidence_router)
api.add_router("/decisions", decisions_router)
api.add_router("/feedback", feedback_router)
api.add_router("/reviews", reviews_router)
api.add_router("/events", events.router)
api.add_router("/webhooks", webhook_routes.router)
errors.document_common_errors(api)
