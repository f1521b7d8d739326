import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aiplus.settings")
application = get_wsgi_application()

# Each web process builds its matching index once, now, so that no request has to (aiplus.scenarios.matching_index).
from aiplus.scenarios.matching_index import warm  # noqa: E402

warm()
