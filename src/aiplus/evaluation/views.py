from aiplus.core.routing import Routes

route = Routes("evaluation")
