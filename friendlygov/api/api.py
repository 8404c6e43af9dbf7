"""The JSON API under /api/v1/. Each area adds its own router; all share one NinjaAPI so that
one OpenAPI document describes everything."""

from ninja import NinjaAPI

from .frameworks import router as frameworks_router
from .units import router as units_router

api = NinjaAPI(
    title="FriendlyGov API",
    version="1",
    description="Chính quyền cấp xã thân thiện, vì Nhân dân phục vụ: units, frameworks and ratings.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("/units", units_router)
api.add_router("/frameworks", frameworks_router)
