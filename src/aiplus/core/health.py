"""The liveness answer: the process is up and serving. No database, session, template or translation, so a load
balancer's probe costs next to nothing and the load benchmark (bench/web.py) has its ceiling: what the server
itself, with every middleware, costs a request."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
