"""Participation through the pages: an official publishes a policy document with its file and an event; a visitor
finds the document by a word and downloads its file, registers for the event and is checked in by the official."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_official_publishes_a_notice_and_an_event_the_public_takes_part(live_server, page, world, artifacts):
    from aiplus.participation.models import Event, Notice, Registration

    sign_in(page, live_server.url, "suzhou-official")
    page.goto(live_server.url + "/participation/notices/")
    page.select_option("#id_notice-jurisdiction", label="苏州市")
    page.select_option("#id_notice-kind", "policy")
    page.fill("#id_notice-title", "苏州市人工智能应用场景开放管理办法")
    page.fill("#id_notice-document_number", "苏府规〔2026〕3号")
    page.fill("#id_notice-issuer", "苏州市人民政府")
    page.fill("#id_notice-effective_on", str(timezone.localdate()))
    page.fill("#id_notice-body", "第一条 为推动人工智能应用场景开放，制定本办法。")
    page.get_by_test_id("notice-save").click()
    page.wait_for_url("**/participation/notices/*/")
    notice_url = page.url
    assert page.get_by_test_id("published").get_attribute("data-published") == "false"
    page.set_input_files("#id_file", files=[{"name": "办法全文.pdf", "mimeType": "application/pdf",
                                             "buffer": _pdf()}])
    page.get_by_test_id("attach-save").click()
    page.wait_for_url(notice_url)
    assert "办法全文.pdf" in page.get_by_test_id("attachments").inner_text()
    page.get_by_test_id("notice-publish").click()
    page.wait_for_url(notice_url)
    assert page.get_by_test_id("published").get_attribute("data-published") == "true"
    notice = Notice.objects.get(title="苏州市人工智能应用场景开放管理办法")

    # the event
    start = timezone.localtime() + dt.timedelta(days=10)
    page.goto(live_server.url + "/participation/events/")
    page.select_option("#id_event-jurisdiction", label="苏州市")
    page.fill("#id_event-title", "应用场景开放政策宣讲会")
    page.fill("#id_event-venue", "苏州市民中心")
    page.fill("#id_event-starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_event-ends_at", (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_event-capacity", "50")
    page.check("#id_event-is_published")
    page.get_by_test_id("event-save").click()
    page.wait_for_url("**/participation/events/*/")
    event_url = page.url
    event = Event.objects.get(title="应用场景开放政策宣讲会")
    assert event.is_published and event.capacity == 50

    # a visitor finds the document by a word, reads it and downloads its file
    page.context.clear_cookies()
    page.goto(live_server.url + "/participation/notices/?q=场景开放")
    page.locator(f"tr[data-pk='{notice.pk}'] a").click()
    page.wait_for_url(notice_url)
    assert "第一条" in page.get_by_test_id("notice-body").inner_text()
    with page.expect_download() as download:
        page.get_by_text("办法全文.pdf").click()
    assert download.value.suggested_filename == "办法全文.pdf"
    feed = page.request.get(live_server.url + "/participation/notices/feed/atom/?kind=policy")
    assert "苏州市人工智能应用场景开放管理办法" in feed.text()

    # a signed-in member of the public registers
    sign_in(page, live_server.url, "suzhou-public")
    page.goto(event_url)
    page.fill("#id_name", "王芳")
    page.fill("#id_organisation_name", "苏州大学")
    page.get_by_test_id("register-save").click()
    page.wait_for_url(event_url)
    assert "王芳" in page.get_by_test_id("my-registration").inner_text()
    assert page.get_by_test_id("seats").get_attribute("data-left") == "49"

    # the official checks her in at the door
    sign_in(page, live_server.url, "suzhou-official")
    page.goto(event_url)
    registration = Registration.objects.get(event=event)
    page.get_by_test_id(f"check-in-{registration.pk}").click()
    page.wait_for_url(event_url)
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    page.screenshot(path=str(artifacts / "participation-event.png"), full_page=True)


def test_official_opens_a_consultation_an_anonymous_visitor_reads_the_response(live_server, page, world, artifacts):
    from aiplus.participation.models import Comment, Consultation

    sign_in(page, live_server.url, "suzhou-official")
    page.goto(live_server.url + "/participation/notices/")
    page.select_option("#id_notice-jurisdiction", label="苏州市")
    page.fill("#id_notice-title", "关于公开征求《2027年算力券发放计划》意见的通知")
    page.fill("#id_notice-body", "欢迎社会各界提出意见。")
    page.check("#id_notice-is_published")
    page.get_by_test_id("notice-save").click()
    page.wait_for_url("**/participation/notices/*/")
    assert page.get_by_test_id("published").get_attribute("data-published") == "true"

    page.goto(live_server.url + "/participation/consultations/")
    page.select_option("#id_consultation-jurisdiction", label="苏州市")
    page.select_option("#id_consultation-subject_kind", "programme")
    page.fill("#id_consultation-title", "2027年算力券发放计划（征求意见稿）")
    page.fill("#id_consultation-draft", "一、支持对象：在苏州注册的中小企业。\n二、支持比例：不超过算力费用的50%。")
    page.get_by_test_id("consultation-save").click()
    page.wait_for_url("**/participation/consultations/*/")
    consultation_url = page.url
    assert page.get_by_test_id("consultation-status").get_attribute("data-open") == "true"
    consultation = Consultation.objects.get(title="2027年算力券发放计划（征求意见稿）")

    # an anonymous visitor comments (the trap field stays empty, as people leave it)
    page.context.clear_cookies()
    page.goto(consultation_url)
    trap = page.locator("#id_website").bounding_box()
    assert trap is None or trap["x"] + trap["width"] <= 0  # off the page: people never see it
    page.fill("#id_text", "建议对首次申领的企业提高支持比例。")
    page.get_by_test_id("comment-save").click()
    page.wait_for_url(consultation_url)
    comment = Comment.objects.get(consultation=consultation)
    assert comment.author is None and comment.status == "pending"
    assert "首次申领" not in page.get_by_test_id("public-comments").inner_text()

    # the official groups, approves and answers
    sign_in(page, live_server.url, "suzhou-official")
    page.goto(consultation_url)
    page.fill("#id_group-title", "关于支持比例")
    page.get_by_test_id("group-save").click()
    page.wait_for_url(consultation_url)
    form = page.get_by_test_id(f"moderate-{comment.pk}")
    form.locator("select[name=decision]").select_option("approve")
    form.locator("select[name=group]").select_option(label="关于支持比例")
    page.get_by_test_id(f"moderate-save-{comment.pk}").click()
    page.wait_for_url(consultation_url)
    group = consultation.groups.get()
    page.get_by_test_id(f"respond-{group.pk}").locator("textarea").fill("部分采纳：首次申领企业支持比例提高至60%。")
    page.get_by_test_id(f"respond-save-{group.pk}").click()
    page.wait_for_url(consultation_url)

    # the visitor comes back and reads the response
    page.context.clear_cookies()
    page.goto(live_server.url + "/participation/consultations/?q=算力券")
    page.locator(f"tr[data-pk='{consultation.pk}'] a").click()
    page.wait_for_url(consultation_url)
    assert "首次申领" in page.get_by_test_id(f"comment-{comment.pk}").inner_text()
    assert "部分采纳" in page.get_by_test_id(f"response-{group.pk}").inner_text()
    page.screenshot(path=str(artifacts / "participation-consultation.png"), full_page=True)


def test_association_publishes_a_standard_and_a_pledge_a_member_signs(live_server, page, world, make_org):
    from aiplus.core import services as core_services
    from aiplus.participation import services
    from aiplus.participation.models import PledgeSignature

    organisation = make_org("suzhou", "industry_association", name="苏州市人工智能产业协会")
    staff = core_services.create_user(acting_user=world.admin, username="assoc-staff", password="x-password-123")
    core_services.assign_role(acting_user=world.admin, user=staff, role="enterprise_member",
                              organisation_id=organisation.pk)
    company = world.orgs["suzhou:enterprise"]

    sign_in(page, live_server.url, "suzhou-official")
    page.goto(live_server.url + "/participation/associations/")
    page.select_option("#id_association-organisation", label="苏州市人工智能产业协会")
    page.fill("#id_association-description", "推动人工智能产业自律与标准化。")
    page.get_by_test_id("association-save").click()
    page.wait_for_url("**/participation/associations/*/")
    association_url = page.url

    sign_in(page, live_server.url, "assoc-staff")
    page.goto(association_url)
    page.select_option("#id_member-organisation", label=company.name)
    page.fill("#id_member-joined_on", "2026-03-01")
    page.get_by_test_id("member-save").click()
    page.wait_for_url(association_url)
    page.fill("#id_standard-code", "T/SZAIA 001—2026")
    page.fill("#id_standard-title", "生成式人工智能服务安全运营规范")
    page.fill("#id_standard-published_on", "2026-06-01")
    page.get_by_test_id("standard-save").click()
    page.wait_for_url(association_url)
    page.fill("#id_pledge-title", "人工智能企业自律公约")
    page.fill("#id_pledge-text", "一、依法合规开展人工智能研发与应用。")
    page.get_by_test_id("pledge-save").click()
    page.wait_for_url(association_url)
    pledge = services.Pledge.objects.get(title="人工智能企业自律公约")

    sign_in(page, live_server.url, "suzhou-enterprise_member")
    page.goto(association_url)
    page.get_by_test_id(f"sign-{pledge.pk}").click()
    page.wait_for_url(association_url)
    assert PledgeSignature.objects.filter(pledge=pledge, organisation=company).exists()

    page.context.clear_cookies()
    page.goto(association_url)
    assert company.name in page.get_by_test_id(f"signatures-{pledge.pk}").inner_text()
    assert "T/SZAIA 001—2026" in page.get_by_test_id("standards").inner_text()
