"""Forms posted to a page that also shows other things (a list, a record): the one way to draw them, check them,
write through a service and answer.

- A GET draws each of the page's forms unbound (`PageForm.make(request, None)`).
- A POST names its form with a hidden `action` field when the page has several (`ListPage.page_forms`); a page with
  one form posts it to its own address (`post_form`).
- A valid form is written by its service (`PageForm.write`); the answer is a redirect back to the page
  (post/redirect/get) with the success message.
- A refused one (the form's own checks or the service's `ServiceError`) draws the same page again with status 400
  (403/404/409/413/422 when the service said so): the posted form bound, what was typed kept, each error beside its
  field, in the page's language. Nothing is written: services are atomic.
- A write whose answer is not the page (a file to download) gives `PageForm.reply`.

    ASSET = PageForm(make=lambda request, data: AssetForm(data, user=request.user),
                     write=lambda request, form: services.register_asset(acting_user=..., **form.cleaned_data),
                     done=_("数据资产已登记。"))
    class AssetsPage(ListPage):
        page_forms = {"register": ASSET, ...}        # the template: {% include "core/page_form.html" with ... %}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from aiplus.core.errors import ServiceError

# Draws the page with the given forms (bound or not) in its context, as a GET would.
PageRenderer = Callable[[dict[str, forms.BaseForm]], HttpResponse]


@dataclass(frozen=True)
class PageForm:
    """One form of a page: how to build it (`make(request, data)`, data None for an unbound form), how to write a
    valid one (`write(request, form)`, a service call; a `ServiceError` puts its message beside its field), the
    message shown after a successful write, and where to go then (`back(request, result)`, default: the page)."""

    make: Callable[[HttpRequest, Any], forms.BaseForm]
    write: Callable[[HttpRequest, Any], Any]
    done: Any
    back: Callable[[HttpRequest, Any], str] | None = None
    # The answer to a successful write when it is not a redirect back (a file to download, say).
    reply: Callable[[HttpRequest, Any], HttpResponse] | None = None


class ActionChoiceForm(forms.Form):
    """Which of a page's forms was posted: one of the page's names, or a 400 naming `action`."""

    action = forms.ChoiceField(choices=())

    def __init__(self, *args: Any, names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(name, name) for name in names]  # type: ignore[attr-defined]


def unbound(request: HttpRequest, specs: Mapping[str, PageForm]) -> dict[str, forms.BaseForm]:
    return {name: spec.make(request, None) for name, spec in specs.items()}


def post_form(request: HttpRequest, spec: PageForm, draw: Callable[[forms.BaseForm], HttpResponse]) -> HttpResponse:
    """A page's one form, posted: written and back to the page, or the page drawn again (`draw(form)`) with the
    bound form and its errors, status 400 (or the service's 403/404/409/413/422)."""
    form = spec.make(request, request.POST)
    if form.is_multipart():  # a form with a file field reads the uploaded files too
        form.files = request.FILES
    status = 400
    if form.is_valid():
        try:
            result = spec.write(request, form)
        except ServiceError as problem:
            problem.add_to_form(form)
            status = problem.status if problem.status in (403, 404, 409, 413, 422) else 400
        else:
            if spec.reply is not None:
                return spec.reply(request, result)
            if spec.done:
                messages.success(request, spec.done)
            return redirect(spec.back(request, result) if spec.back else request.get_full_path())
    response = draw(form)
    response.status_code = status
    return response


def post_one_of(request: HttpRequest, specs: Mapping[str, PageForm], draw: PageRenderer) -> HttpResponse:
    """One of a page's several forms, named by the posted `action`; the page's other forms drawn unbound."""
    choice = ActionChoiceForm(request.POST, names=list(specs))
    if not choice.is_valid():
        messages.error(request, _("未知操作。"))
        response = draw(unbound(request, specs))
        response.status_code = 400
        return response
    name = choice.cleaned_data["action"]
    return post_form(request, specs[name], lambda form: draw({**unbound(request, specs), name: form}))


def serve(request: HttpRequest, specs: Mapping[str, PageForm], draw: PageRenderer) -> HttpResponse:
    """A detail page with forms, answered: a GET draws it with its forms unbound, a POST is handled by the one form it
    names (`post_one_of`). A POST to a page that offers the viewer no form at all is refused with 403: the viewer may
    read the page but do nothing on it."""
    if request.method != "POST":
        return draw(unbound(request, specs))
    if not specs:
        return render(request, "core/not_found.html", status=403)
    return post_one_of(request, specs, draw)
