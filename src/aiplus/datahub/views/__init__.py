"""Pages of the datahub, one module per sub-domain; each declares its pages' routes on `route` (urls.py imports
each module)."""

from aiplus.core.routing import Routes

route = Routes("datahub")
