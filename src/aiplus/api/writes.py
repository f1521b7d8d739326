"""The API side of a write: one operation that calls one service with the signed-in user, the ids in its path and
the fields of its payload, and answers with what the service returned (or what `reply` reads back).

    writes.add_action(router, "POST", "/centres/{centre_id}/pools", services.add_pool, payload=PoolIn,
                      response=PoolOut, created=True)

is the handler one would otherwise write by hand:

    @router.post("/centres/{centre_id}/pools", response={201: PoolOut}, auth=AUTHENTICATED)
    def add_pool(request, centre_id: int, payload: PoolIn):
        return Status(201, services.add_pool(acting_user=acting_user(request), centre_id=centre_id,
                                             **payload.dict()))

Path parameters are integer ids (`{need_id}`). `partial=True` passes only the fields the caller sent (PATCH).
`reply(user, result, **ids)` builds the answer when the service's own return value is not it (a transition that
returns nothing, so the object is read back through its selector). The operation keeps the id and name a written
handler in `aiplus.<app>.api` would have had (`aiplus_<app>_api_<name>`), so clients and tests are unaffected.
Handlers that do more than call a service (reshaping a payload, choosing between services) stay written by hand.

No `from __future__ import annotations`: ninja reads the handler's annotations when it is added."""

import inspect
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.constants import NOT_SET
from ninja.signature.utils import get_path_param_names

from aiplus.api.auth import AUTHENTICATED
from aiplus.core.context import acting_user


def add_action(router: Router, method: str, path: str, service: Callable[..., Any], *,
               payload: type[Schema] | None = None, response: Any = NOT_SET, created: bool = False,
               partial: bool = False, reply: Callable[..., Any] | None = None, auth: Any = AUTHENTICATED,
               name: str | None = None, description: str = "") -> None:
    """Adds `method path` to `router`, calling `service` (see the module's docstring); `created` answers 201."""
    ids = sorted(get_path_param_names(path))

    def handler(request: HttpRequest, **given: Any) -> Any:
        user = acting_user(request)
        path_ids = {key: given[key] for key in ids}
        fields = given["payload"].dict(exclude_unset=partial) if payload is not None else {}
        result = service(acting_user=user, **path_ids, **fields)
        if reply is not None:
            result = reply(user, result, **path_ids)
        return Status(201, result) if created else result

    parameters = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest)]
    parameters += [inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, annotation=int) for key in ids]
    if payload is not None:
        parameters.append(inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=payload))
    handler.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    app = service.__module__.split(".")[1]  # aiplus.<app>.services[.<part>]
    handler.__name__ = name or service.__name__
    handler.__module__ = f"aiplus.{app}.api"
    handler.__doc__ = description or inspect.getdoc(service)
    responses = {201: response} if created and response is not NOT_SET else response
    router.api_operation([method], path, response=responses, auth=auth)(handler)


def read_back(selector: Callable[..., Any]) -> Callable[..., Any]:
    """A `reply` that reads the object back through its selector, `selector(user, id)`, for services that return
    nothing the API can show (a transition, a decision)."""

    def reply(user: Any, result: Any, **ids: Any) -> Any:
        return selector(user, *ids.values())

    return reply
