"""Pages of the scenarios module: thin views that parse, call one selector or service, and render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aiplus.core import formatting, imports, permissions
from aiplus.core import selectors as core_selectors
from aiplus.core.context import acting_user
from aiplus.core.errors import NotFoundError, ServiceError
from aiplus.core.lists import ListPage
from aiplus.core.page_forms import PageForm, post_form
from aiplus.core.routing import Routes
from aiplus.scenarios import excel, forms, listings, pack_rules, selectors, services
from aiplus.scenarios.models import CallStatus, NeedStatus, PilotStatus

route = Routes("scenarios")


def _lang() -> str:
    return get_language() or "zh-hans"


def _get(fn: Callable[..., Any], *args: Any) -> Any:
    try:
        return fn(*args)
    except NotFoundError:
        raise Http404 from None


def _run(request: HttpRequest, fn: Callable[..., Any], done: Any, **kwargs: Any) -> Any:
    """Call a service; on refusal show its message and return None."""
    try:
        result = fn(acting_user=acting_user(request), **kwargs)
    except ServiceError as error:
        messages.error(request, error.named_in(None))
        return None
    messages.success(request, done)
    return result


def _submit(request: HttpRequest, form: forms.ServiceForm, fn: Callable[..., Any], done: Any,
            **kwargs: Any) -> Any:
    """Call a service with a valid form's values; a bad value or a refusal is shown beside its field (and in the
    messages, for the forms that redirect), and None returned."""
    if not form.is_valid():
        messages.error(request, form.first_error())
        return None
    try:
        result = fn(acting_user=acting_user(request), **kwargs)
    except ServiceError as error:
        form.refused(error)
        messages.error(request, error.named_in(form))
        return None
    messages.success(request, done)
    return result


def _call(request: HttpRequest, form: forms.ServiceForm, fn: Callable[..., Any], done: Any,
          values: Callable[[], dict[str, Any]]) -> Any:
    """`_submit` whose service arguments are read from the form once it is valid."""
    if not form.is_valid():
        messages.error(request, form.first_error())
        return None
    return _submit(request, form, fn, done, **values())


def _member_orgs(user: Any) -> list[Any]:
    return list(selectors.member_organisations(user))


def _is_official(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or permissions.user_jurisdiction_ids(user, "change")))


def _facet_rows(request: HttpRequest) -> Any:
    try:
        return listings.NEEDS.rows(request.user, request.GET)
    except ServiceError:  # the page shows the bad filter; the facets count nothing
        return listings.NEEDS.rows(request.user, {}).none()


def _needs_context(request: HttpRequest) -> dict[str, Any]:
    raw = selectors.facets(_facet_rows(request))
    status_names = dict(NeedStatus.choices)
    facets = {"status": [(c, status_names.get(c, c), n) for c, n in raw["status"]],
              "domain": [(c, pack_rules.domain_name(c, _lang()), n) for c, n in raw["domain"]],
              "jurisdiction": list(raw["jurisdiction"])}
    return {"facets": facets, "q": request.GET.get("q", ""), "is_official": _is_official(request.user),
            "can_create": bool(request.user.is_authenticated and _member_orgs(request.user))}


class NeedsPage(ListPage):
    # Publishing the ticked reviewed needs as a list: the place picked by name (the one picker); a refusal draws the
    # page again with the error beside its field, the place typed and the needs ticked kept.
    page_forms = {"publish": PageForm(
        make=lambda request, data: forms.ListPublishForm(data),
        write=lambda request, form: services.publish_list(
            acting_user=acting_user(request), jurisdiction=form.cleaned_data["jurisdiction"].code,
            need_ids=form.cleaned_data["need_ids"], co_publishers=form.cleaned_data["co_publishers"]),
        done=_("场景清单已发布。"),
        back=lambda request, batch: reverse("scenarios:list", args=[batch.pk]))}


needs = route.list_page("", listings.NEEDS, page=NeedsPage, template_name="scenarios/needs.html",
                        extra_context=_needs_context, menu=_("应用场景"), order=20)


def _need_form(request: HttpRequest, *, need: Any, form: forms.NeedForm, post: Any,
               kpi_rows: list[dict[str, str]]) -> HttpResponse:
    from aiplus.scenarios.models import Visibility

    return render(request, "scenarios/need_form.html", {
        "need": need, "form": form, "orgs": _member_orgs(request.user), "domains": pack_rules.domain_choices(_lang()),
        "post": post, "kpi_rows": kpi_rows, "visibilities": Visibility.choices,
        "jurisdictions": selectors.jurisdictions(("city", "district"))}, status=400 if form.errors else 200)


def _blank_kpis(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return rows + [{"name": "", "target": "", "unit": "", "direction": "ge"}] * max(1, 2 - len(rows))


@route("needs/new/", "need_create")
@login_required
def need_create(request: HttpRequest) -> HttpResponse:
    form = forms.NeedForm(request.POST or None, organisations=selectors.member_organisations(request.user))
    if request.method == "POST":
        need = _call(request, form, services.create_need, _("场景需求已保存为草稿。"), form.values)
        if need is not None:
            return redirect("scenarios:need", need_id=need.pk)
        return _need_form(request, need=None, form=form, post=form.data, kpi_rows=_blank_kpis(form.kpi_rows()))
    return _need_form(request, need=None, form=form, post={}, kpi_rows=_blank_kpis([]))


@route("needs/<int:need_id>/edit/", "need_edit")
@login_required
def need_edit(request: HttpRequest, need_id: int) -> HttpResponse:
    """Edit a draft need (its owner's members); a submitted need is returned to draft by the department first."""
    need = _get(selectors.need, request.user, need_id)
    if request.method == "POST":
        form = forms.NeedForm(request.POST, creating=False)
        saved = _call(request, form, services.update_need, _("场景需求已保存。"),
                      lambda: {"need_id": need_id, **form.values()})
        if saved is not None:
            return redirect("scenarios:need", need_id=need_id)
        return _need_form(request, need=need, form=form, post=form.data, kpi_rows=_blank_kpis(form.kpi_rows()))
    values = {"title": need.title, "domain": need.domain, "problem": need.problem, "data_offered": need.data_offered,
              "compute_needed": need.compute_needed,
              "required_qualifications": "，".join(need.required_qualifications),
              "budget_min_cny": need.budget_min_cny, "budget_max_cny": need.budget_max_cny,
              "first_purchase": need.first_purchase, "deadline": need.deadline.isoformat() if need.deadline else "",
              "visibility": need.visibility}
    rows = [{"name": k.name, "target": formatting.plain_number(k.target_value), "unit": k.unit,
             "direction": "ge" if k.higher_is_better else "le"} for k in need.kpis.all()]
    return _need_form(request, need=need, form=forms.NeedForm(creating=False), post=values,
                      kpi_rows=[*rows, {"name": "", "target": "", "unit": "", "direction": "ge"}])


@route("needs/<int:need_id>/", "need")
def need_detail(request: HttpRequest, need_id: int) -> HttpResponse:
    need = _get(selectors.need, request.user, need_id)
    workflow = pack_rules.need_workflow(need)
    available = [t for t in workflow.available(need, request.user) if t.name != "publish"] \
        if request.user.is_authenticated else []
    matches: list[Any] = []
    excluded: list[Any] = []
    if need.status == NeedStatus.PUBLISHED:
        from aiplus.scenarios import matching_index

        matches, excluded = matching_index.suppliers_for(need, with_excluded=True)
    can_co_publish = need.status in (NeedStatus.REVIEWED, NeedStatus.PUBLISHED) and request.user.is_authenticated \
        and (request.user.is_superuser or need.jurisdiction_id in permissions.user_jurisdiction_ids(request.user,
                                                                                                    "change"))
    return render(request, "scenarios/need_detail.html", {
        "need": need, "available": available, "history": workflow.lines(need),
        "co_publish_form": forms.CoPublishForm() if can_co_publish else None,
        "matches": matches, "excluded": excluded, "domain_name": pack_rules.domain_name(need.domain, _lang()),
        "can_co_publish": can_co_publish,
        "can_edit": need.status == NeedStatus.DRAFT and request.user.is_authenticated
        and need.owner_id in permissions.user_organisation_ids(request.user, "change")})


@route("needs/<int:need_id>/co-publish/", "need_co_publish")
@require_POST
@login_required
def need_co_publish(request: HttpRequest, need_id: int) -> HttpResponse:
    form = forms.CoPublishForm(request.POST)
    _call(request, form, services.co_publish_need, _("已添加联合发布辖区。"),
          lambda: {"need_id": need_id, "jurisdictions": form.cleaned_data["jurisdictions"]})
    return redirect("scenarios:need", need_id=need_id)


@route("needs/<int:need_id>/transition/", "need_transition")
@require_POST
@login_required
def need_transition(request: HttpRequest, need_id: int) -> HttpResponse:
    form = forms.TransitionForm(request.POST)
    _call(request, form, services.transition_need, _("已完成操作。"), lambda: {"need_id": need_id, **form.cleaned_data})
    return redirect("scenarios:need", need_id=need_id)


lists = route.list_page("lists/", listings.SCENARIO_LISTS, template_name="scenarios/lists.html")


@route("lists/<int:list_id>/", "list")
def list_detail(request: HttpRequest, list_id: int) -> HttpResponse:
    batch = _get(selectors.scenario_list, request.user, list_id)
    return render(request, "scenarios/list_detail.html", {
        "batch": batch, "needs": selectors.needs(request.user).filter(scenario_list=batch)})


@route("lists/<int:list_id>/export.xlsx", "list_export")
def list_export(request: HttpRequest, list_id: int) -> HttpResponse:
    batch = _get(selectors.scenario_list, request.user, list_id)
    data = excel.export_needs(selectors.needs(request.user).filter(scenario_list=batch).prefetch_related("kpis"))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="scenario-list-{batch.pk}.xlsx"'
    return response


@route("needs/import/", "import")
@login_required
def import_needs(request: HttpRequest) -> HttpResponse:
    """A needs workbook (`excel.import_needs`): imported now (the report as a message), or, when big, by the worker
    (its job page); a refused file shows every rejected row (400), a file over the limit 413."""
    orgs = selectors.member_organisations(request.user)
    form = forms.ImportForm(request.POST or None, request.FILES or None, organisations=orgs)
    report: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        if not form.is_valid() and not getattr(request, imports.TOO_LARGE_FLAG, False):
            messages.error(request, form.first_error())
            status = 400
        else:
            try:
                imports.check_request_size(request)
                result = excel.import_needs_file(
                    acting_user=acting_user(request), data=imports.read_upload(form.cleaned_data["file"]),
                    organisation_id=form.cleaned_data["organisation"].pk,
                    jurisdiction=getattr(form.cleaned_data["jurisdiction"], "code", None))
            except ServiceError as error:
                form.refused(error)
                messages.error(request, error.named_in(form))
                rejected = getattr(error, "report", None)
                report = rejected.as_dict() if rejected is not None else None
                status = error.status
            else:
                return imports.done(request, result, "scenarios:needs")
    return render(request, "scenarios/import.html", {"orgs": list(orgs), "form": form, "report": report},
                  status=status)


def _profiles_context(request: HttpRequest) -> dict[str, Any]:
    """Domain facets that drill down from the six domains to their sub-scenarios, counted over the search."""
    domain = request.GET.get("domain", "")
    search = request.GET.get("q", "")
    lang = _lang()
    codes = [code for code, _name in pack_rules.domain_choices(lang)]
    tops = [code for code in codes if "." not in code]
    top = domain.split(".", 1)[0] if domain else ""
    subs = [code for code in codes if top and code.startswith(f"{top}.")]
    try:
        searched = listings.PROFILES.rows(request.user, {"q": search})
    except ServiceError:
        searched = listings.PROFILES.rows(request.user, {}).none()
    counts = selectors.profile_facets(searched, tops + subs)
    return {"q": search, "domain": domain, "top": top,
            "can_create": bool(request.user.is_authenticated and _member_orgs(request.user)),
            "facets": [(code, pack_rules.domain_name(code, lang), counts[code]) for code in tops if counts[code]],
            "sub_facets": [(code, pack_rules.domain_name(code, lang), counts[code]) for code in subs if counts[code]]}


# Capability profiles, searchable in Chinese; members see links to add or edit theirs.
profiles = route.list_page("profiles/", listings.PROFILES, template_name="scenarios/profiles.html",
                           extra_context=_profiles_context, menu=_("能力清单"), order=23)


@route("profiles/<int:profile_id>/edit/", "profile_edit")
@route("profiles/new/", "profile_create")
@login_required
def profile_form(request: HttpRequest, profile_id: int | None = None) -> HttpResponse:
    """Create or edit a capability profile (能力清单) of one of the user's organisations."""
    orgs = _member_orgs(request.user)
    profile = None
    if profile_id is not None:
        profile = selectors.profiles(request.user).filter(
            pk=profile_id, organisation_id__in=[o.pk for o in orgs]).first()
        if profile is None and not request.user.is_superuser:
            raise Http404
    form = forms.ProfileForm(request.POST or None, organisations=selectors.member_organisations(request.user))
    if request.method == "POST":
        saved = _call(request, form, services.save_profile, _("能力清单已保存。"),
                      lambda: {"profile_id": profile_id, **form.values()})
        if saved is not None:
            return redirect("scenarios:profile", profile_id=saved.pk)
        values: Any = form.data
        chosen = form.sent("domains")
    elif profile is not None:
        values = {"organisation": profile.organisation_id, "products": profile.products,
                  "description": profile.description, "technologies": "，".join(profile.technologies),
                  "models_used": "，".join(profile.models_used), "reference_cases": profile.reference_cases,
                  "qualifications": "，".join(profile.qualifications),
                  "regions_served": "，".join(profile.regions_served), "price_min_cny": profile.price_min_cny or "",
                  "price_max_cny": profile.price_max_cny or "", "is_published": profile.is_published}
        chosen = profile.domains
    else:
        values, chosen = {"is_published": True}, []
    if profile is not None and request.method != "POST":  # the regions already served, ticked in the picker
        form = forms.ProfileForm(initial={"regions_served": profile.regions_served},
                                 organisations=selectors.member_organisations(request.user))
    return render(request, "scenarios/profile_form.html", {
        "profile": profile, "orgs": orgs, "values": values, "chosen": chosen, "form": form,
        "domains": pack_rules.domain_choices(_lang())}, status=400 if form.errors else 200)


@route("profiles/<int:profile_id>/", "profile")
def profile_detail(request: HttpRequest, profile_id: int) -> HttpResponse:
    from aiplus.scenarios import matching_index

    profile = selectors.profiles(request.user).filter(pk=profile_id).first()
    if profile is None:
        raise Http404
    matches, excluded = matching_index.needs_for(profile, request.user, with_excluded=True)
    can_edit = request.user.is_authenticated and profile.organisation_id in {o.pk for o in
                                                                             _member_orgs(request.user)}
    return render(request, "scenarios/profile_detail.html", {
        "profile": profile, "matches": matches, "excluded": excluded, "can_edit": can_edit,
        "domain_names": [pack_rules.domain_name(d, _lang()) for d in profile.domains],
        "regions": selectors.places_named(profile.regions_served)})


@route("pool/", "pool", menu=_("服务商资源池"), order=26,
       roles={"official", "auditor", "enterprise_member", "provider"})
def pool(request: HttpRequest) -> HttpResponse:
    """The application service-provider pool: members apply, officials of the jurisdiction admit or refuse."""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect("login")
        if forms.action_of(request.POST) == "apply":
            applied = forms.PoolApplyForm(request.POST, organisations=selectors.member_organisations(request.user))
            _call(request, applied, services.apply_to_pool, _("已申请入库。"),
                  lambda: {"organisation_id": applied.cleaned_data["organisation"].pk,
                           "jurisdiction": applied.cleaned_data["jurisdiction"].code})
        else:
            decided = forms.PoolDecisionForm(request.POST)
            _call(request, decided, services.decide_pool, _("已作出入库决定。"),
                  lambda: {"membership_id": decided.cleaned_data["membership"], "admit": decided.cleaned_data["admit"],
                           "note": decided.cleaned_data["note"]})
        return redirect("scenarios:pool")
    return render(request, "scenarios/pool.html", {
        "pool": selectors.pool(request.user), "is_official": _is_official(request.user),
        "orgs": _member_orgs(request.user) if request.user.is_authenticated else [],
        "jurisdictions": selectors.jurisdictions(("province", "city", "district"))})


@route("taxonomy/", "taxonomy", menu=_("场景分类"), order=27)
def taxonomy(request: HttpRequest) -> HttpResponse:
    data = selectors.taxonomy()
    names = {d["code"]: (d["name_zh"] if _lang().startswith("zh") else d["name_en"]) for d in data["domains"]}
    for item in data["gd_categories"]:
        item["maps_to_names"] = [names.get(code, code) for code in item["maps_to"]]
    for item in data["domains"]:
        item["gd"] = [g["name_zh"] if _lang().startswith("zh") else g["name_en"]
                      for g in data["gd_categories"] if item["code"] in g["maps_to"]]
    return render(request, "scenarios/taxonomy.html", data)


def _calls_context(request: HttpRequest) -> dict[str, Any]:
    # Officials of a place publish calls there; the list offers them the page that creates one.
    may_create = request.user.is_authenticated and core_selectors.jurisdictions_to_add_in(request.user).exists()
    return {"can_create_call": may_create}


calls = route.list_page("calls/", listings.CALLS, template_name="scenarios/calls.html", menu=_("揭榜挂帅"), order=21,
                        extra_context=_calls_context)


def _call_form(request: HttpRequest, data: Any) -> forms.CallCreateForm:
    initial = {"need_ids": [n for n in request.GET.getlist("need") if n.isdigit()]} if data is None else None
    return forms.CallCreateForm(data, initial=initial, places=core_selectors.jurisdictions_to_add_in(request.user),
                                needs=selectors.needs_to_call(request.user))


CALL_CREATE = PageForm(
    make=_call_form,
    write=lambda request, form: services.create_call(acting_user=acting_user(request), **form.values()),
    done=_("榜单已创建为草稿：可修改评分细则，确认后发布。"),
    back=lambda request, call: reverse("scenarios:call", args=[call.pk]))


@route("calls/new/", "call_create")
@login_required
def call_create(request: HttpRequest) -> HttpResponse:
    """A new open call (揭榜挂帅榜单) of published needs, by an official of the place (403 for anyone else)."""
    if not core_selectors.jurisdictions_to_add_in(request.user).exists():
        raise PermissionDenied

    def draw(form: Any) -> HttpResponse:
        return render(request, "scenarios/call_create.html", {"form": form})

    if request.method == "POST":
        return post_form(request, CALL_CREATE, draw)
    return draw(CALL_CREATE.make(request, None))


@route("calls/<int:call_id>/edit/", "call_edit")
@login_required
def call_edit(request: HttpRequest, call_id: int) -> HttpResponse:
    """Edit a draft call (title, deadline, needs, reviewers, the weighted rubric); an open call is fixed."""
    call = _get(selectors.call, request.user, call_id)
    if not permissions.can(request.user, "change", call):
        raise PermissionDenied
    if request.method == "POST":
        form = forms.CallEditForm(request.POST)
        rubric = form.rubric()
        saved = _call(request, form, services.update_call, _("榜单已保存。"),
                      lambda: {"call_id": call_id, **form.cleaned_data, "rubric": rubric})
        if saved is not None:
            return redirect("scenarios:call", call_id=call_id)
        values: dict[str, Any] = {**{name: form.data.get(name, "") for name in ("title", "closes_on", "reviewers")},
                                  "need_ids": [int(i) for i in form.sent("need_ids") if i.isdigit()]}
    else:
        rubric = [{"code": r["code"], "name": r.get("name", ""), "name_en": r.get("name_en", ""),
                   "weight": str(r["weight"])} for r in call.rubric]
        values = {"title": call.title, "closes_on": call.closes_on.isoformat(), "reviewers": call.reviewers,
                  "need_ids": [n.pk for n in call.needs.all()]}
    needs = selectors.needs_for_a_call(request.user)
    blank = {"code": "", "name": "", "name_en": "", "weight": ""}
    return render(request, "scenarios/call_form.html", {
        "call": call, "post": values, "needs": needs, "rubric_rows": [*rubric, blank, dict(blank)],
        "is_draft": call.status == CallStatus.DRAFT})


@route("calls/<int:call_id>/", "call")
def call_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    return _draw_call(request, _get(selectors.call, request.user, call_id))


def _draw_call(request: HttpRequest, call: Any, apply_form: Any = None) -> HttpResponse:
    """The call's page; `apply_form` is a refused application drawn again with its errors beside its fields."""
    drawn: list[Any] = []
    is_drawn = False
    if call.draw_id:
        from aiplus.experts import selectors as expert_selectors

        drawn = expert_selectors.drawn_users(call.draw_id)
        is_drawn = request.user.is_authenticated and any(u.pk == request.user.pk for u in drawn)
    applications = list(selectors.applications(request.user, call))
    for application in applications:
        mine = next((s for s in application.scores.all() if s.expert_id == request.user.pk), None)
        application.my_score = mine  # type: ignore[attr-defined]
    can_manage = request.user.is_authenticated and permissions.can(request.user, "change", call)
    return render(request, "scenarios/call_detail.html", {
        "call": call, "needs": call.needs.select_related("owner"), "applications": applications, "drawn": drawn,
        "is_drawn": is_drawn, "can_manage": can_manage,
        "apply_form": apply_form if apply_form is not None else _apply_form(request.user, call),
        "objections": call.objections.select_related("filed_by"),
        "available": pack_rules.call_workflow(call).available(call, request.user) if can_manage else [],
        "CallStatus": CallStatus})


def _apply_form(user: Any, call: Any) -> forms.ApplyForm | None:
    """The application form of an open call for someone who acts for an organisation (picked with the one picker;
    one organisation is chosen for them)."""
    if call.status != CallStatus.OPEN or not user.is_authenticated:
        return None
    organisations = selectors.member_organisations(user)
    if not organisations.exists():
        return None
    return forms.ApplyForm(organisations=organisations, needs=_call_needs(call), auto_id="id_apply_%s")


def _call_needs(call: Any) -> Any:
    return call.needs.select_related("owner").order_by("pk")


def _score_forms(call: Any, applications: list[Any], user: Any, bound: Any = None) -> list[tuple[Any, Any]]:
    """Each application beside the expert's score form: the posted one bound (what was typed kept), the others
    showing the scores already given."""
    posted = str(bound.data.get("application", "")) if bound is not None else ""
    pairs = []
    for application in applications:
        if posted == str(application.pk):
            pairs.append((application, bound))
            continue
        mine = next((sc for sc in application.scores.all() if sc.expert_id == user.pk), None)
        initial = {"application": application.pk}
        if mine is not None:
            initial |= {f"criteria_{code}": value for code, value in mine.criteria.items()} | {"comment": mine.comment}
        pairs.append((application, forms.ScoreForm(initial=initial, rubric=call.rubric,
                                                   auto_id=f"id_a{application.pk}_%s")))
    return pairs


def _row_id(data: Any) -> str:
    """The field ids of the posted application's form, as its row draws them (digits only)."""
    posted = str(data.get("application", ""))
    return f"id_a{posted if posted.isdigit() else 0}_%s"


@route("calls/<int:call_id>/review/", "call_review")
@login_required
def call_review(request: HttpRequest, call_id: int) -> HttpResponse:
    """The review of an open call by its drawn experts: every application's proposal beside the expert's score form
    (each criterion 0–100, its share of the total stated). Only the drawn experts score; officials who may manage
    the call read along; anyone else is refused (403)."""
    call = _get(selectors.call, request.user, call_id)
    is_drawn = selectors.is_drawn_reviewer(request.user, call)
    if not is_drawn and not permissions.can(request.user, "change", call):
        raise PermissionDenied
    applications = list(selectors.applications(request.user, call))

    def draw(form: Any = None) -> HttpResponse:
        return render(request, "scenarios/call_review.html", {
            "call": call, "is_drawn": is_drawn, "scoring": is_drawn and call.status == CallStatus.REVIEWING,
            "rows": _score_forms(call, applications, request.user, form),
            "needs": {n.pk: n for n in call.needs.select_related("owner")},
        })

    if request.method == "POST":
        score = PageForm(
            make=lambda request, data: forms.ScoreForm(data, rubric=call.rubric,
                                                       auto_id=_row_id(data)),
            write=lambda request, form: services.submit_score(
                acting_user=acting_user(request), application_id=form.cleaned_data["application"],
                criteria=form.criteria(), comment=form.cleaned_data["comment"]),
            done=_("评分已提交。"))
        return post_form(request, score, draw)
    return draw()


@route("calls/<int:call_id>/action/", "call_action")
@require_POST
@login_required
def call_action(request: HttpRequest, call_id: int) -> HttpResponse:
    action = forms.action_of(request.POST)
    if action == "apply":
        call = _get(selectors.call, request.user, call_id)
        apply = PageForm(
            make=lambda request, data: forms.ApplyForm(
                data, organisations=selectors.member_organisations(request.user), needs=_call_needs(call),
                auto_id="id_apply_%s"),
            write=lambda request, form: services.apply_to_call(acting_user=acting_user(request), call_id=call_id,
                                                               **form.arguments()),
            done=_("已提交揭榜申报。"), back=lambda request, result: reverse("scenarios:call", args=[call_id]))
        return post_form(request, apply, lambda form: _draw_call(request, call, apply_form=form))
    if action == "draw":
        _run(request, services.draw_reviewers, _("已抽取评审专家。"), call_id=call_id)
    elif action == "notice":
        _run(request, services.start_notice, _("评审结果已公示。"), call_id=call_id)
    elif action == "object":
        objected = forms.ObjectionForm(request.POST)
        _call(request, objected, services.file_objection, _("异议已提交。"),
              lambda: {"call_id": call_id, "text": objected.cleaned_data["text"],
                       "application_id": objected.cleaned_data["application"]})
    elif action == "answer":
        answered = forms.AnswerForm(request.POST)
        _call(request, answered, services.answer_objection, _("异议已答复。"),
              lambda: {"objection_id": answered.cleaned_data["objection"], "answer": answered.cleaned_data["answer"]})
    elif action == "award":
        _run(request, services.award_call, _("已确认揭榜，试点已建立。"), call_id=call_id)
    else:
        _run(request, services.transition_call, _("已完成操作。"), call_id=call_id, transition=action)
    return redirect("scenarios:call", call_id=call_id)


pilots = route.list_page("pilots/", listings.PILOTS, signed_in=True, template_name="scenarios/pilots.html",
                         menu=_("场景试点"), order=24, roles={"official", "auditor", "enterprise_member", "provider"})


# The pilot page's forms by their `action`: the form, the service it feeds (by name, looked up when called), the
# message once done, and the service's arguments besides the pilot from the form's cleaned values.
_PILOT_ACTIONS: dict[str, tuple[type[forms.ServiceForm], str, Any, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "milestone": (forms.MilestoneForm, "add_milestone", _("已添加里程碑。"), dict),
    "measure": (forms.MeasurementForm, "record_measurement", _("已记录实测值。"),
                lambda data: {"kpi_id": data["kpi"], "value": data["value"]}),
    "decide": (forms.AcceptanceForm, "decide_acceptance", _("已提交验收意见。"), dict),
    "case": (forms.CaseForm, "publish_case", _("典型案例已发布。"), dict),
}


@route("pilots/<int:pilot_id>/", "pilot")
@login_required
def pilot_detail(request: HttpRequest, pilot_id: int) -> HttpResponse:
    pilot = _get(selectors.pilot, request.user, pilot_id)
    if request.method == "POST":
        action = forms.action_of(request.POST)
        if action in _PILOT_ACTIONS:
            form_class, service, done, values = _PILOT_ACTIONS[action]
            form = form_class(request.POST)
            written = _call(request, form, getattr(services, service), done,
                            lambda: {"pilot_id": pilot_id, **values(form.cleaned_data)})
            if action == "case" and written is not None:
                return redirect("scenarios:case", case_id=written.pk)
        return redirect("scenarios:pilot", pilot_id=pilot_id)
    return render(request, "scenarios/pilot_detail.html", {"pilot": pilot, "PilotStatus": PilotStatus})


def _cases_context(request: HttpRequest) -> dict[str, Any]:
    search = request.GET.get("q", "")
    try:
        searched = listings.CASES.rows(request.user, {"q": search})
    except ServiceError:
        searched = listings.CASES.rows(request.user, {}).none()
    raw = selectors.case_facets(searched)
    return {"q": search, "facets": {"domain": [(c, pack_rules.domain_name(c, _lang()), n) for c, n in raw["domain"]],
                                    "jurisdiction": raw["jurisdiction"]}}


cases = route.list_page("cases/", listings.CASES, template_name="scenarios/cases.html", extra_context=_cases_context,
                        menu=_("典型案例"), order=22)


@route("cases/<int:case_id>/", "case")
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _get(selectors.case, request.user, case_id)
    if request.method == "POST" and request.user.is_authenticated:
        form = forms.ReplicateForm(request.POST, organisations=selectors.member_organisations(request.user))
        need = _call(request, form, services.replicate_case, _("已创建复制推广需求。"),
                     lambda: {"case_id": case_id, "organisation_id": form.cleaned_data["organisation"].pk,
                              "jurisdiction": form.cleaned_data["jurisdiction"].code})
        if need is not None:
            return redirect("scenarios:need", need_id=need.pk)
        return redirect("scenarios:case", case_id=case_id)
    orgs = selectors.member_organisations(request.user) if request.user.is_authenticated else None
    return render(request, "scenarios/case_detail.html", {
        "case": case, "replicate_form": forms.ReplicateForm(organisations=orgs) if orgs is not None and orgs.exists()
        else None,
        "replications": case.replications.select_related("owner", "jurisdiction")})


@route("dashboard/", "dashboard", menu=_("场景看板"), roles={"official", "auditor"}, order=25)
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    data = selectors.dashboard(request.user)
    # The same figures as a table: readable without JavaScript, by screen readers and on paper.
    tables = [(_("需求（按领域）"), data["needs_by_domain"]), (_("需求（按地区）"), data["needs_by_district"]),
              (_("需求（按状态）"), data["needs_by_status"]), (_("揭榜挂帅（按状态）"), data["calls_by_status"]),
              (_("试点（按状态）"), data["pilots_by_status"])]
    labels = {"by_domain": _("按领域"), "by_district": _("按地区"), "by_status": _("按状态"), "needs": _("需求"),
              "calls": _("揭榜"), "pilots": _("试点")}
    return render(request, "scenarios/dashboard.html", {"data": data, "tables": tables, "labels": labels})
