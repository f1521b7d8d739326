"""Participation pages: notices and policy documents (with their files), events (registration, capacity, check-in),
and their RSS/Atom feeds. Public to read; officials of a jurisdiction publish. Thin: parse, authorise through the
selectors, call one service, render."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from aiplus.core import imports, signin
from aiplus.core.access import record_page
from aiplus.core.context import acting_user
from aiplus.core.errors import ServiceError
from aiplus.core.lists import ListPage
from aiplus.core.page_forms import PageForm, post_one_of, serve, unbound
from aiplus.core.routing import Routes
from aiplus.participation import feeds, selectors, services
from aiplus.participation.forms import (
    AssociationForm,
    AttachmentForm,
    CommentForm,
    ConsultationForm,
    EventForm,
    GroupForm,
    MemberForm,
    ModerationForm,
    NoticeEditForm,
    NoticeForm,
    PledgeForm,
    PublishForm,
    RegistrationActionForm,
    RegistrationForm,
    ResponseForm,
    SignForm,
    StandardForm,
)
from aiplus.participation.listings import ASSOCIATIONS, CONSULTATIONS, EVENTS, NOTICES
from aiplus.participation.models import Association, Consultation, Event, Notice

route = Routes("participation")


def _may_publish(request: HttpRequest) -> dict[str, Any]:
    return {"may_publish": selectors.publishing_jurisdictions(request.user).exists()}


# -- notices and policy documents ---------------------------------------------------------------------------------

class NoticesPage(ListPage):
    page_forms = {"create": PageForm(
        make=lambda request, data: NoticeForm(data, user=request.user, prefix="notice"),
        write=lambda request, form: services.create_notice(acting_user=acting_user(request), **form.arguments()),
        done=_("通知已保存。"),
        back=lambda request, notice: f"/participation/notices/{notice.pk}/")}


notices = route.list_page("notices/", NOTICES, page=NoticesPage, template_name="participation/notices.html",
                          extra_context=_may_publish, menu=_("通知公告"), order=10)


@route("notices/<int:notice_id>/", "notice")
@record_page(selectors.notice, "notice_id")
def notice(request: HttpRequest, notice: Notice) -> HttpResponse:
    manage = selectors.may_manage(request.user, notice)
    user = acting_user(request)
    specs = {
        "edit": PageForm(make=lambda request, data: NoticeEditForm(data, instance=notice if data is None else None),
                         write=lambda request, form: services.update_notice(
                             acting_user=user, notice_id=notice.pk, **form.cleaned_data),
                         done=_("通知已修改。")),
        "publish": PageForm(make=lambda request, data: PublishForm(data),
                            write=lambda request, form: services.publish_notice(
                                acting_user=user, notice_id=notice.pk, **form.cleaned_data),
                            done=_("发布状态已更新。")),
        "attach": PageForm(make=lambda request, data: AttachmentForm(data),
                           write=lambda request, form: services.add_attachment(
                               acting_user=user, notice_id=notice.pk, file=form.cleaned_data["file"]),
                           done=_("附件已上传。")),
    } if manage else {}

    def draw(forms: dict[str, Any]) -> HttpResponse:
        return render(request, "participation/notice.html", {
            "notice": notice, "attachments": selectors.attachments_of(notice), "manage": manage, "forms": forms})

    if request.method == "POST":
        if not specs:
            return render(request, "core/not_found.html", status=403)
        try:  # a file over the upload limit was skipped as it arrived: 413, beside the file field
            request.FILES  # noqa: B018 - parses the upload, so the upload handler has had its say
            imports.check_request_size(request)
        except ServiceError as problem:
            form = AttachmentForm({})
            problem.add_to_form(form)
            response = draw({**unbound(request, specs), "attach": form})
            response.status_code = problem.status
            return response
        return post_one_of(request, specs, draw)
    return draw(unbound(request, specs))


@route("notices/<int:notice_id>/files/<int:attachment_id>/", "attachment")
def attachment(request: HttpRequest, notice_id: int, attachment_id: int) -> HttpResponse:
    try:
        found = selectors.attachment(request.user, notice_id, attachment_id)
    except ServiceError:
        return render(request, "core/not_found.html", status=404)
    response = HttpResponse(bytes(found.data), content_type=found.content_type)
    # always a download: a file is never rendered inside the platform's origin
    response["Content-Disposition"] = content_disposition_header(True, found.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


route("notices/feed/rss/", "notices_rss")(feeds.NoticesRss())
route("notices/feed/atom/", "notices_atom")(feeds.NoticesAtom())


# -- events -------------------------------------------------------------------------------------------------------

class EventsPage(ListPage):
    page_forms = {"create": PageForm(
        make=lambda request, data: EventForm(data, user=request.user, prefix="event"),
        write=lambda request, form: services.create_event(acting_user=acting_user(request), **form.arguments()),
        done=_("活动已保存。"),
        back=lambda request, event: f"/participation/events/{event.pk}/")}


events = route.list_page("events/", EVENTS, page=EventsPage, template_name="participation/events.html",
                         extra_context=_may_publish, menu=_("活动"), order=11)


@route("events/<int:event_id>/", "event")
@record_page(selectors.event, "event_id")
def event(request: HttpRequest, event: Event) -> HttpResponse:
    user = acting_user(request)
    manage = selectors.may_manage(user, event)
    mine = selectors.my_registration(user, event)
    specs: dict[str, PageForm] = {}
    if getattr(user, "is_authenticated", False):
        specs["register"] = PageForm(
            make=lambda request, data: RegistrationForm(data, initial={"name": user.get_full_name() or ""}),
            write=lambda request, form: services.register_for_event(acting_user=user, event_id=event.pk,
                                                                     **form.cleaned_data),
            done=_("报名成功。"))
        specs["cancel"] = PageForm(
            make=lambda request, data: RegistrationActionForm(data),
            write=lambda request, form: services.cancel_registration(
                acting_user=user, registration_id=form.cleaned_data["registration"]),
            done=_("报名已取消。"))
    if manage:
        specs["check_in"] = PageForm(
            make=lambda request, data: RegistrationActionForm(data),
            write=lambda request, form: services.check_in(acting_user=user,
                                                          registration_id=form.cleaned_data["registration"]),
            done=_("已签到。"))
        specs["publish"] = PageForm(make=lambda request, data: PublishForm(data),
                                    write=lambda request, form: services.publish_event(
                                        acting_user=user, event_id=event.pk, **form.cleaned_data),
                                    done=_("发布状态已更新。"))

    def draw(forms: dict[str, Any]) -> HttpResponse:
        return render(request, "participation/event.html", {
            "event": event, "manage": manage, "mine": mine, "forms": forms,
            "registrations": selectors.registrations_of(user, event) if manage else [],
            "seats_left": max(event.capacity - event.seats_taken, 0)})  # type: ignore[attr-defined]

    return serve(request, specs, draw)


# -- public consultation ------------------------------------------------------------------------------------------

class ConsultationsPage(ListPage):
    page_forms = {"create": PageForm(
        make=lambda request, data: ConsultationForm(data, user=request.user, prefix="consultation"),
        write=lambda request, form: services.open_consultation(acting_user=acting_user(request),
                                                               **form.arguments()),
        done=_("征求意见已发布。"),
        back=lambda request, consultation: f"/participation/consultations/{consultation.pk}/")}


def _consultations_context(request: HttpRequest) -> dict[str, Any]:
    from django.utils import timezone

    from aiplus.regulation.runtime import parameters

    return {**_may_publish(request),
            "period": parameters().version(services.COMMENT_DAYS, timezone.localdate())}


consultations = route.list_page("consultations/", CONSULTATIONS, page=ConsultationsPage,
                                template_name="participation/consultations.html",
                                extra_context=_consultations_context, menu=_("公开征求意见"), order=12)


@route("consultations/<int:consultation_id>/", "consultation")
@record_page(selectors.consultation, "consultation_id")
def consultation(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    from django.utils import timezone

    from aiplus.regulation.runtime import parameters

    user = acting_user(request)
    manage = selectors.may_manage(user, consultation)
    pk = consultation.pk
    specs: dict[str, PageForm] = {
        "comment": PageForm(
            make=lambda request, data: CommentForm(data),
            write=lambda request, form: services.submit_comment(
                acting_user=user, consultation_id=pk, client_address=signin.client_ip(request),
                **form.cleaned_data),
            done=_("意见已提交，审核后公开。")),
    }
    if manage:
        groups = consultation.groups.all()
        specs["group"] = PageForm(make=lambda request, data: GroupForm(data, prefix="group"),
                                  write=lambda request, form: services.create_comment_group(
                                      acting_user=user, consultation_id=pk, **form.cleaned_data),
                                  done=_("意见归类已建立。"))
        specs["moderate"] = PageForm(make=lambda request, data: ModerationForm(data, groups=groups),
                                     write=lambda request, form: services.moderate_comment(
                                         acting_user=user, **form.arguments()),
                                     done=_("审核结果已保存。"))
        specs["respond"] = PageForm(make=lambda request, data: ResponseForm(data),
                                    write=lambda request, form: services.respond_to_group(
                                        acting_user=user, group_id=form.cleaned_data["group"],
                                        response=form.cleaned_data["response"]),
                                    done=_("答复已公布。"))

    def draw(forms: dict[str, Any]) -> HttpResponse:
        return render(request, "participation/consultation.html", {
            "consultation": consultation, "manage": manage, "forms": forms,
            "groups": selectors.public_groups(consultation), "mine": selectors.my_comments(user, consultation),
            "to_moderate": selectors.comments_to_moderate(user, consultation) if manage else [],
            "all_groups": selectors.groups_of(consultation) if manage else [],
            "period": parameters().version(services.COMMENT_DAYS, timezone.localdate())})

    return serve(request, specs, draw)


# -- industry associations ------------------------------------------------------------------------------------------

class AssociationsPage(ListPage):
    page_forms = {"register": PageForm(
        make=lambda request, data: AssociationForm(data, user=request.user, prefix="association"),
        write=lambda request, form: services.register_association(acting_user=acting_user(request),
                                                                  **form.arguments()),
        done=_("行业协会已登记。"),
        back=lambda request, association: f"/participation/associations/{association.pk}/")}


def _associations_context(request: HttpRequest) -> dict[str, Any]:
    return {"may_register": selectors.registrable_associations(request.user).exists()}


associations = route.list_page("associations/", ASSOCIATIONS, page=AssociationsPage,
                               template_name="participation/associations.html",
                               extra_context=_associations_context, menu=_("行业协会"), order=13)


@route("associations/<int:association_id>/", "association")
@record_page(selectors.association, "association_id")
def association(request: HttpRequest, association: Association) -> HttpResponse:
    user = acting_user(request)
    manage = selectors.may_manage(user, association)
    pk = association.pk
    signers = selectors.signing_organisations(user, association)
    specs: dict[str, PageForm] = {}
    if manage:
        specs["member"] = PageForm(make=lambda request, data: MemberForm(data, prefix="member"),
                                   write=lambda request, form: services.add_association_member(
                                       acting_user=user, association_id=pk, **form.arguments()),
                                   done=_("会员已添加。"))
        specs["standard"] = PageForm(make=lambda request, data: StandardForm(data, prefix="standard"),
                                     write=lambda request, form: services.publish_standard(
                                         acting_user=user, association_id=pk, **form.cleaned_data),
                                     done=_("团体标准已发布。"))
        specs["pledge"] = PageForm(make=lambda request, data: PledgeForm(data, prefix="pledge"),
                                   write=lambda request, form: services.publish_pledge(
                                       acting_user=user, association_id=pk, **form.cleaned_data),
                                   done=_("自律公约已发布。"))
    if signers.exists():
        specs["sign"] = PageForm(make=lambda request, data: SignForm(data, organisations=signers),
                                 write=lambda request, form: services.sign_pledge(
                                     acting_user=user, pledge_id=form.cleaned_data["pledge"],
                                     organisation_id=form.cleaned_data["organisation"].pk),
                                 done=_("已签署。"))

    def draw(forms: dict[str, Any]) -> HttpResponse:
        return render(request, "participation/association.html", {
            "association": association, "manage": manage, "forms": forms, "signers": list(signers)})

    return serve(request, specs, draw)
