"""Notifications are stored as message ids plus parameters and read in the recipient's language, wherever shown;
an open notification of the same event about the same object is brought up to date, not repeated."""

import datetime as dt

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from aiplus.core import services
from aiplus.core.models import Notification


def _send(recipient, *, sender_language, title="第一条", link="/experts/consultations/1/"):
    with translation.override(sender_language):
        return services.notify(recipient=recipient, verb="experts.consultation", title=_("专家咨询：%(t)s"),
                               body=_("请于%(d)s前提交意见。"), params={"t": title, "d": dt.date(2026, 5, 1)},
                               link=link)


@pytest.mark.parametrize(("sender_language", "recipient_language", "title", "body"), [
    ("zh-hans", "en", "Expert consultation: 第一条", "Please submit your opinion before 2026-05-01."),
    ("en", "zh-hans", "专家咨询：第一条", "请于2026-05-01前提交意见。"),
])
def test_notification_reads_in_the_recipients_language_on_the_page_and_in_the_api(
        world, client, sender_language, recipient_language, title, body):
    recipient = world.user("expert")
    recipient.language = recipient_language
    recipient.save(update_fields=["language"])
    _send(recipient, sender_language=sender_language)
    client.force_login(recipient)
    # whatever language the page is asked in, the notification reads in the one its recipient chose
    with translation.override(translation.get_language()):  # the client leaves the language it activated
        page = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE=sender_language).content.decode()
        [item] = client.get("/api/v1/notifications", HTTP_ACCEPT_LANGUAGE=sender_language).json()["items"]
    assert title in page and body in page
    assert (item["title"], item["body"]) == (title, body)


def test_a_changed_language_preference_changes_how_stored_notifications_read(world):
    recipient = world.user("expert")
    notification = _send(recipient, sender_language="zh-hans")
    assert notification.title_msgid == "专家咨询：%(t)s" and notification.params["d"] == "2026-05-01"
    recipient.language = "en"
    recipient.save(update_fields=["language"])
    assert Notification.objects.get(pk=notification.pk).rendered_title() == "Expert consultation: 第一条"


def test_rows_from_before_message_ids_read_as_stored(world):
    row = Notification.objects.create(recipient=world.user("expert"), verb="old", title="旧标题", body="旧内容")
    assert (row.rendered_title("en"), row.rendered_body("en")) == ("旧标题", "旧内容")


def test_a_parameter_in_each_language_and_the_senders_own_words(world):
    recipient = world.user("expert")
    recipient.language = "en"
    recipient.save(update_fields=["language"])
    notification = services.notify(
        recipient=recipient, verb="datahub.access.reject", title=_("联合发布场景需求：%(t)s"), body="理由：不完整",
        params={"t": services.in_each_language(lambda: _("简体中文"))})
    assert notification.rendered_title() == "Co-published scenario need: Simplified Chinese"
    assert notification.rendered_title("zh-hans") == "联合发布场景需求：简体中文"
    assert notification.rendered_body() == "理由：不完整"


def test_formatted_text_is_refused(world):
    with pytest.raises(TypeError):
        services.notify(recipient=world.user("expert"), verb="x", title="专家咨询：已格式化")  # type: ignore[arg-type]


def test_the_same_open_event_about_the_same_object_is_bumped_not_repeated(world):
    recipient = world.user("expert")
    first = _send(recipient, sender_language="zh-hans", title="第一版")
    again = _send(recipient, sender_language="zh-hans", title="第二版")
    assert again.pk == first.pk and again.created_at >= first.created_at
    assert Notification.objects.filter(recipient=recipient).count() == 1
    assert Notification.objects.get(pk=first.pk).rendered_title("zh-hans") == "专家咨询：第二版"
    # another object, or another recipient: a notification of its own
    _send(recipient, sender_language="zh-hans", link="/experts/consultations/2/")
    _send(world.user("official"), sender_language="zh-hans")
    assert Notification.objects.filter(recipient=recipient).count() == 2
    # once read, the next event is news again
    services.mark_notifications_read(acting_user=recipient)
    _send(recipient, sender_language="zh-hans", title="第三版")
    assert Notification.objects.filter(recipient=recipient).count() == 3
    assert Notification.objects.filter(recipient=recipient, read_at__isnull=True).count() == 1


def test_events_without_an_object_are_never_merged(world):
    recipient = world.user("expert")
    for _i in range(2):
        services.notify(recipient=recipient, verb="test", title=_("通知"))
    assert Notification.objects.filter(recipient=recipient).count() == 2
