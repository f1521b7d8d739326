"""What participation lets users do, the articles it serves and the evidence (see aiplus.regulation.coverage).

Suzhou art. 10 (环境营造) and Guangdong art. 30 (交流合作平台) are known by their topics (the drafting
explanations): the public face of the regulation — notices, policy documents and events — is what the platform runs
for them."""

from aiplus.regulation.coverage import declare

declare(
    "participation.notices", title_zh="通知公告与政策文件：发布、附件、施行日期、公开检索与 RSS/Atom 订阅",
    title_en="Notices and policy documents: publishing, files, effective dates, public search and RSS/Atom feeds",
    articles=[("suzhou", 10), ("guangdong", 30)],
    pages=["participation:notices", "participation:notice", "participation:notices_rss",
           "participation:notices_atom"],
    api=["aiplus_participation_api_list_notices", "aiplus_participation_api_get_notice",
         "aiplus_participation_api_create_notice", "aiplus_participation_api_update_notice",
         "aiplus_participation_api_publish_notice", "aiplus_participation_api_add_attachment"],
    tests=["tests/browser/test_participation.py::test_official_publishes_a_notice_and_an_event_the_public_takes_part",
           "src/aiplus/participation/tests/test_notices_api.py::test_notice_is_published_with_a_file_and_found"],
)
declare(
    "participation.events", title_zh="活动：发布、在线报名（名额与截止时间）、现场签到",
    title_en="Events: publishing, registration within capacity and deadline, check-in",
    articles=[("suzhou", 10), ("guangdong", 30)],
    pages=["participation:events", "participation:event"],
    api=["aiplus_participation_api_list_events", "aiplus_participation_api_get_event",
         "aiplus_participation_api_create_event", "aiplus_participation_api_publish_event",
         "aiplus_participation_api_register_for_event", "aiplus_participation_api_cancel_registration",
         "aiplus_participation_api_check_in", "aiplus_participation_api_list_registrations"],
    tests=["tests/browser/test_participation.py::test_official_publishes_a_notice_and_an_event_the_public_takes_part",
           "src/aiplus/participation/tests/test_events_api.py::test_event_registration_capacity_and_check_in"],
)
declare(
    "participation.consultations",
    title_zh="公开征求意见：征求意见稿（扶持计划、场景清单、政策文件）按规则包期限公开、匿名或署名提交意见（防滥用）、审核（不得审核本人意见）、分组公布采纳情况",
    title_en="Public consultation: drafts (programmes, scenario lists, policies) open for the pack's comment period, "
             "anonymous or signed comments with abuse protection, moderation (never one's own), a published "
             "response per comment group",
    articles=[("guangdong", 5), ("suzhou", 10)],
    pages=["participation:consultations", "participation:consultation"],
    api=["aiplus_participation_api_list_consultations", "aiplus_participation_api_get_consultation",
         "aiplus_participation_api_open_consultation", "aiplus_participation_api_submit_comment",
         "aiplus_participation_api_list_comments", "aiplus_participation_api_create_comment_group",
         "aiplus_participation_api_moderate_comment", "aiplus_participation_api_respond_to_group"],
    tests=["tests/browser/test_participation.py::"
           "test_official_opens_a_consultation_an_anonymous_visitor_reads_the_response",
           "src/aiplus/participation/tests/test_consultations_api.py::"
           "test_consultation_comment_moderation_and_response"],
)
declare(
    "participation.associations",
    title_zh="行业协会：登记、会员单位、发布团体标准与自律公约、会员企业签署，向社会公开",
    title_en="Industry associations: register, member companies, group standards and self-regulation pledges "
             "published, pledges signed by member companies, all public",
    articles=[("suzhou", 9), ("guangdong", 5)],
    pages=["participation:associations", "participation:association"],
    api=["aiplus_participation_api_list_associations", "aiplus_participation_api_get_association",
         "aiplus_participation_api_register_association", "aiplus_participation_api_add_association_member",
         "aiplus_participation_api_publish_standard", "aiplus_participation_api_publish_pledge",
         "aiplus_participation_api_sign_pledge"],
    tests=["tests/browser/test_participation.py::test_association_publishes_a_standard_and_a_pledge_a_member_signs",
           "src/aiplus/participation/tests/test_associations_api.py::test_association_members_standards_and_pledges"],
    gaps=[("行业协会自身的设立与会员资格规则未建模（平台记录协会公布的会员名单）；团体标准全文以文字摘要登记，尚无附件",
           "how an association is founded and who may join are not modelled (the platform records the member list "
           "the association gives); a group standard is registered with a summary, not yet with its full text "
           "as a file")],
)
