"""The one error type services raise for bad input or a refused action.

It carries a stable `code`, a message translated into the request's language, and the `field` it concerns, so
the UI can put it beside the field and the API can return `{"code", "message", "field"}`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    status = 400

    def __init__(self, code: str, message: Any, field: str | None = None, *, status: int | None = None) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "field": self.field}

    def named_in(self, form: Any = None) -> str:
        """The message as one sentence naming its field by the form's label for it (a service's path
        "processor.location" read as the form names it), never by the field's code; the message alone when the form
        has no such field."""
        name = self.field or ""
        fields = getattr(form, "fields", {}) or {}
        for candidate in (name, name.replace(".", "_"), name.split(".", 1)[0].split("[", 1)[0]):
            label = getattr(fields.get(candidate), "label", None) if candidate else None
            if label:
                return str(_("%(message)s（%(field)s）") % {"message": self.message, "field": label})
        return str(self.message)

    def add_to_form(self, form: Any, field: str | None = None) -> None:
        """Put the message beside `field` (default: the error's own field) on a Django form, or above the form
        when the form has no such field."""
        name = field if field is not None else self.field
        if name and name not in form.fields:  # a service's path ("processor.location") as the form names it
            name = name.replace(".", "_")
        form.add_error(name if name in form.fields else None, str(self.message))


class PermissionDeniedError(ServiceError):
    status = 403

    def __init__(self, message: Any = None) -> None:
        super().__init__("permission_denied", message or _("您没有执行此操作的权限。"))


class NotFoundError(ServiceError):
    status = 404

    def __init__(self, message: Any = None) -> None:
        super().__init__("not_found", message or _("记录不存在或您无权查看。"))


def from_validation_error(error: ValidationError) -> ServiceError:
    """The first problem of a Django ValidationError, as a ServiceError naming its field."""
    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.error_dict.items()))
        first = errors[0]
        message = first.message % first.params if first.params else first.message
        return ServiceError(first.code or "invalid", message, None if field == "__all__" else field)
    first = error.error_list[0]
    message = first.message % first.params if first.params else first.message
    return ServiceError(first.code or "invalid", message)
