"""A deterministic, realistic demo: the same seed gives the same organisations, users and notices."""

from __future__ import annotations

import importlib
import random
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction

from aiplus.core import credit_code, services
from aiplus.core.models import Jurisdiction, Organisation, User

# The shared password of the demo's accounts without administrative rights (officials, members, experts…). The
# superuser `admin` gets a random password instead, generated when the demo is seeded and returned once (seed_demo
# prints it); only its hash is stored.
DEMO_PASSWORD = "aiplus-demo-2026"

# (prefix, suffix) pairs that read like real Chinese company names; combined at random with the seed.
NAME_PARTS = {
    "enterprise": (["智", "云", "数", "芯", "灵", "星", "海", "天", "瑞", "新"],
                   ["视科技有限公司", "元智能科技有限公司", "图信息技术有限公司", "川机器人有限公司",
                    "算智能装备有限公司", "语科技股份有限公司"]),
    "opc": (["小", "一", "独", "匠", "青"], ["禾智能工作室有限公司", "舟智能科技有限公司", "木数字科技有限公司"]),
    "research_institute": (["人工智能", "智能制造", "数字经济"], ["研究院", "创新研究院"]),
    "university": (["科技", "理工"], ["大学"]),
    "industry_association": (["人工智能产业", "软件行业"], ["协会", "联盟"]),
    "park": (["人工智能产业园", "智能制造产业园"], [""]),
    "compute_provider": (["智算", "云算"], ["中心有限公司", "科技有限公司"]),
    "data_provider": (["数据", "语料"], ["交易服务有限公司", "科技有限公司"]),
    "financial_institution": (["科创", "产业"], ["投资基金管理有限公司", "银行"]),
}
CHAIN = {"enterprise": ["application", "model", "framework", "foundation"], "opc": ["application"],
         "compute_provider": ["foundation"], "data_provider": ["foundation"]}
CITY_NAMES = {"suzhou": "苏州", "guangzhou": "广州", "shenzhen": "深圳", "foshan": "佛山", "dongguan": "东莞"}
ORG_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _organisation_code(rng: random.Random) -> str:
    # The 9-character organisation code inside a credit code carries its own GB 11714 check character.
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, GB11714_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def make_credit_code(rng: random.Random, division_code: str, kind: str) -> str:
    prefix = {"government_department": "11", "industry_association": "51", "university": "12",
              "research_institute": "12"}.get(kind, "91")
    return credit_code.make(prefix + division_code + _organisation_code(rng))


@dataclass
class DemoContext:
    """What the kernel's demo hands to each app's `demo.seed(context)`: the same random source and the cast."""

    rng: random.Random
    admin: User
    people: dict[str, User]
    organisations: dict[str, list[Organisation]]
    password: str = DEMO_PASSWORD
    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def _seed_apps(context: DemoContext) -> None:
    """Each installed app may ship `demo.py` with `seed(context)`; found by name, so the kernel imports no domain
    module. Every row those seeds write is then labelled as demo data, whatever model it lands in."""
    demo_models = [m for m in apps.get_models() if any(f.name == "is_demo" for f in m._meta.get_fields())]
    high_water = {m: (m._base_manager.order_by("-pk").values_list("pk", flat=True).first() or 0) for m in demo_models}
    for config in apps.get_app_configs():
        if not config.name.startswith("aiplus.") or config.name == "aiplus.portal":
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        module.seed(context)
    for model in demo_models:
        model._base_manager.filter(pk__gt=high_water[model]).update(is_demo=True)


def demo_exists() -> bool:
    return User.objects.filter(is_demo=True).exists()


@transaction.atomic
def seed(seed: int = 2026) -> dict[str, Any]:
    rng = random.Random(seed)
    admin_password = secrets.token_urlsafe(12)  # not from `rng`: the same seed must not give the same password
    admin = services.create_user(acting_user=None, username="admin", password=admin_password,
                                 display_name="平台管理员", is_superuser=True, is_demo=True)
    places = {j.code: j for j in Jurisdiction.objects.all()}
    organisations: list[Organisation] = []
    home_cities = ["suzhou", "suzhou-sip", "suzhou-huqiu", "suzhou-kunshan", "suzhou-xiangcheng", "shenzhen",
                   "shenzhen-nanshan", "guangzhou", "guangzhou-tianhe", "foshan", "dongguan"]
    used_names: set[str] = set()
    for index in range(48):
        kind = list(NAME_PARTS)[index % len(NAME_PARTS)] if index >= 12 else ("enterprise" if index % 3 else "opc")
        place = places[home_cities[index % len(home_cities)]]
        city = next((name for code, name in CITY_NAMES.items() if place.code.startswith(code)), "苏州")
        prefixes, suffixes = NAME_PARTS[kind]
        name = f"{city}{rng.choice(prefixes)}{rng.choice(prefixes)}{rng.choice(suffixes)}"
        while name in used_names:
            name = f"{city}{rng.choice(prefixes)}{rng.choice(prefixes)}{rng.choice(suffixes)}"
        used_names.add(name)
        organisations.append(services.create_organisation(
            acting_user=admin, jurisdiction=place.code, name=name, kind=kind,
            credit_code=make_credit_code(rng, place.division_code or "320500", kind),
            chain_layer=rng.choice(CHAIN.get(kind, [""])), address=f"{place.name_zh}{rng.randint(1, 999)}号",
        ))
    Organisation.objects.filter(pk__in=[o.pk for o in organisations]).update(is_demo=True)

    def person(username: str, display: str, role: str, *, jurisdiction: str | None = None,
               organisation: Organisation | None = None, language: str = "zh-hans") -> User:
        user = services.create_user(acting_user=admin, username=username, password=DEMO_PASSWORD,
                                    display_name=display, language=language, is_demo=True,
                                    email=f"{username}@demo.aiplus.invalid")
        services.assign_role(acting_user=admin, user=user, role=role, jurisdiction=jurisdiction,
                             organisation_id=organisation.pk if organisation else None)
        return user

    by_kind: dict[str, list[Organisation]] = {}
    for organisation in organisations:
        by_kind.setdefault(organisation.kind, []).append(organisation)
    people = [
        person("official-suzhou", "苏州市发展改革委 张明", "official", jurisdiction="suzhou"),
        person("official-sip", "苏州工业园区 李华", "official", jurisdiction="suzhou-sip"),
        person("official-guangdong", "广东省发展改革委 陈静", "official", jurisdiction="guangdong"),
        person("official-shenzhen", "深圳市工业和信息化局 王磊", "official", jurisdiction="shenzhen"),
        person("official-gba", "大湾区协同办 周婷", "official", jurisdiction="gba", language="en"),
        person("auditor-suzhou", "苏州市审计局 赵强", "auditor", jurisdiction="suzhou"),
        person("enterprise-suzhou", "企业联系人 孙悦", "enterprise_member",
               organisation=next(o for o in by_kind["enterprise"] if o.jurisdiction.code.startswith("suzhou"))),
        person("opc-suzhou", "一人公司创始人 吴凡", "enterprise_member", organisation=by_kind["opc"][0]),
        person("provider-compute", "算力服务商 郑岚", "provider", organisation=by_kind["compute_provider"][0]),
        person("provider-data", "数据服务商 冯雪", "provider", organisation=by_kind["data_provider"][0]),
        person("expert-li", "李教授（专家）", "expert"),
        person("public-citizen", "公众用户", "public"),
    ]
    from aiplus.participation.services import create_notice

    notices = [
        ("suzhou", "关于征集2026年第一批人工智能应用场景需求的通知",
         "Call for AI application scenario needs, 2026 batch 1"),
        ("suzhou", "苏州市算力券申领指南（演示）", "Guide to applying for Suzhou compute vouchers (demo)"),
        ("guangdong", "广东省人工智能应用服务商资源池入库通知", "Admission to Guangdong's AI service-provider pool"),
        ("gba", "粤港澳大湾区个人信息跨境标准合同备案提示", "Filing reminder: GBA standard contract for personal data"),
    ]
    for code, title, title_en in notices:
        create_notice(acting_user=admin, jurisdiction_id=places[code].pk,
                      title=f"【演示】{title}", title_en=f"[Demo] {title_en}", body="演示数据 / demo data",
                      is_published=True)
    context = DemoContext(rng=rng, admin=admin, people={u.username: u for u in people}, organisations=by_kind)
    _seed_apps(context)
    return {"organisations": len(organisations), "users": User.objects.filter(is_demo=True).count(),
            "password": DEMO_PASSWORD, "admin_password": admin_password, "created": context.created}
