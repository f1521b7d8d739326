"""The volume the web load benchmark (bench/web.py) runs against, written fast: rows go in by COPY on PostgreSQL
(batched INSERTs elsewhere, for the suite's tiny check on SQLite) instead of one service call each.

What is written, deterministically from the seed, on top of `migrate` and `sync_reference`:
- organisations with valid GB 32100 credit codes (the demo's generator), across the Suzhou and Guangdong cities;
- scenario needs (most published, one KPI each), capability profiles and catalogue datasets (one distribution
  each), with texts drawn from pools of realistic phrases, and their `search_tokens` computed by the same functions
  the services call (`scenarios.search.need_tokens`, `profile_tokens`, `datahub.search.tokens_for`), so the
  full-text index (a GIN index on PostgreSQL, FTS5 tables kept by triggers on SQLite) serves the search pages;
- enterprise members (one per organisation, the first `members` enterprises) with a signed-in session, an API
  token (made by `core.services.create_api_token`), notifications and compute requests;
- audit events, appended to the hash chain exactly as `AuditEvent.save` links them: each row gets the next
  `sequence`, the previous event's hash as `prev_hash` and `auditchain.event_hash` of its own fields, computed
  here and written in bulk (bulk_create is refused by the model because it would skip that), under the chain's
  advisory lock, so `manage.py verify_audit` still passes. A third of them record the creation of a seeded row with
  its snapshot; the rest are workflow steps. Their times spread over the two years before the seed, in sequence
  order (the few events `sync_reference` wrote just before keep their own, later, times).

Nothing here is a service write: the benchmark's database is a fixture, created for the run and dropped after it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

BENCH_PASSWORD = "bench-load-2026-not-a-demo"


@dataclass(frozen=True)
class Volume:
    organisations: int
    needs: int
    profiles: int
    datasets: int
    audit_events: int
    members: int = 100
    notifications_per_member: int = 30
    requests_per_member: int = 20


FULL = Volume(organisations=10_000, needs=100_000, profiles=100_000, datasets=100_000, audit_events=1_000_000)
QUICK = Volume(organisations=500, needs=2_000, profiles=2_000, datasets=2_000, audit_events=20_000, members=20)


@dataclass
class BenchData:
    """What the load test needs from the seeded database (written as JSON for the locust process)."""

    members: list[dict[str, str]] = field(default_factory=list)  # username, session key, API token
    profile_ids: list[int] = field(default_factory=list)  # published: anyone may open them
    dataset_ids: list[int] = field(default_factory=list)
    need_terms: list[str] = field(default_factory=lambda: list(NEED_TERMS))
    dataset_terms: list[str] = field(default_factory=lambda: list(DATASET_TERMS))
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


# -- texts --------------------------------------------------------------------------------------------------------

CITIES = {"suzhou": "苏州", "guangzhou": "广州", "shenzhen": "深圳", "foshan": "佛山", "dongguan": "东莞",
          "zhuhai": "珠海", "shantou": "汕头", "shaoguan": "韶关", "jiangmen": "江门", "zhanjiang": "湛江",
          "zhaoqing": "肇庆", "huizhou": "惠州", "zhongshan": "中山"}
NAME_HEADS = list("智云数芯灵星海天瑞新华通达鼎恒泰宏远博创启明安睿思源卓越")
NAME_TAILS = {
    "enterprise": ["视科技有限公司", "元智能科技有限公司", "图信息技术有限公司", "川机器人有限公司",
                   "算智能装备有限公司", "语科技股份有限公司", "联网络科技有限公司", "控自动化有限公司"],
    "opc": ["禾智能工作室有限公司", "舟智能科技有限公司", "木数字科技有限公司"],
    "research_institute": ["人工智能研究院", "智能制造创新研究院"],
    "compute_provider": ["智算中心有限公司", "云算科技有限公司"],
    "data_provider": ["数据交易服务有限公司", "语料科技有限公司"],
}
KINDS = ["enterprise"] * 7 + ["opc", "research_institute", "compute_provider", "data_provider"]

# (domain, subject-free task) for public needs; (domain, task) combined with a manufacturing subject otherwise.
INDUSTRY_SUBJECTS = ["汽车零部件", "锂电池极片", "光伏组件", "纺织面料", "电子元器件", "钢材", "医疗器械", "食品包装",
                     "半导体晶圆", "家具板材", "精密模具", "电机", "注塑件", "印刷电路板"]
INDUSTRY_TASKS = ["表面缺陷检测", "智能质检", "设备预测性维护", "能耗优化", "排产调度", "仓储物流机器人",
                  "安全生产监测", "工艺参数优化", "视觉分拣", "质量追溯"]
PUBLIC_TASKS = [
    ("livelihood.elderly", "社区居家养老智能看护"), ("livelihood.elderly", "养老机构跌倒检测"),
    ("governance.government_services", "12345热线工单智能分派"), ("governance.government_services", "政务服务智能问答"),
    ("governance.social", "城市交通信号优化"), ("governance.social", "河道智能巡检"),
    ("livelihood.health", "医学影像辅助诊断"), ("livelihood.health", "慢病随访智能助手"),
    ("livelihood.education", "作业智能批改"), ("livelihood.education", "校园安全预警"),
    ("governance.public_safety", "消防隐患识别"), ("consumption.retail", "门店客流分析"),
    ("consumption.culture_tourism", "景区智能导览"), ("international.trade", "跨境电商多语种商品描述生成"),
    ("industry.agriculture", "病虫害识别"), ("industry.services", "智能客服"),
]
PAINS = ["依赖人工目检，漏检率高", "人工分派慢且易错派", "异常难以及时发现", "数据分散在多个系统",
         "高峰时段响应不及时", "经验难以沉淀和复用", "现场环境复杂，规则方法效果差", "人员流动大，培训成本高"]
SOLUTIONS = ["需要基于深度学习的视觉检测系统", "需要基于大模型的分类、摘要与问答", "需要非接触式感知与实时告警",
             "需要多源数据融合与智能分析平台", "需要边缘计算设备与云端协同", "需要知识库与智能助手",
             "需要预测模型与优化调度算法", "需要机器人与自动化改造"]
CONSTRAINTS = ["私有化部署", "对接现有MES系统", "保护个人隐私", "支持信创环境", "三个月内上线", "提供持续运维"]
DATA_OFFERED = ["10万张已标注缺陷图片", "近三年脱敏工单文本", "200户试点家庭脱敏告警记录", "产线传感器历史数据",
                "5万条商品中英文描述", "门店摄像头脱敏视频片段", ""]
TECHNOLOGIES = ["工业视觉", "缺陷检测", "边缘计算", "大模型", "知识库", "文本分类", "毫米波雷达", "跌倒检测",
                "语音识别", "知识图谱", "强化学习", "数字孪生", "机器人", "多模态"]
MODELS_USED = ["YOLOv8", "通义千问", "文心一言", "DeepSeek", "GLM-4", ""]
PRODUCTS = ["一体机", "智能平台", "解决方案", "智能助手", "感知终端", "分析系统", "机器人", "云服务"]
SECTORS = [("市场监管", "经济建设"), ("交通运输", "城建住房"), ("政务服务", "公共服务"), ("制造业", "产业发展"),
           ("卫生健康", "民生服务"), ("教育", "教育文化"), ("生态环境", "资源环境"), ("农业农村", "农业农村")]
DATASET_SUBJECTS = ["企业登记基本信息", "公交车辆实时位置", "热线脱敏工单语料", "表面缺陷图像集", "空气质量监测数据",
                    "医疗机构名录", "学校基本信息", "农产品价格行情", "道路交通流量", "气象观测数据", "专利申请信息",
                    "社区养老服务设施"]
DATASET_NOTES = ["含字段说明与数据字典", "经脱敏处理", "按月更新", "人工标注、双人复核"]
DATASET_KEYWORDS = ["企业", "登记", "公交", "实时", "交通", "语料", "工单", "大模型", "标注", "工业视觉", "图像",
                    "环境", "医疗", "教育", "农业", "气象", "专利", "养老"]
# What the load test searches for: terms the texts above contain, as a visitor would type them.
NEED_TERMS = ["缺陷检测", "养老", "工单", "大模型", "质检", "巡检", "客服", "交通", "预测性维护", "医学影像"]
DATASET_TERMS = ["企业登记", "公交", "工单", "缺陷", "空气质量", "医疗机构", "气象", "专利", "养老", "交通流量"]

TWO_YEARS = dt.timedelta(days=730)


# -- rows in bulk ---------------------------------------------------------------------------------------------------

def insert(model: Any, rows: Iterable[dict[str, Any]], *, return_ids: bool = True) -> list[int]:
    """Insert rows (attribute name -> value; a missing field takes its default, timestamps now) in one COPY on
    PostgreSQL, or in batches of INSERTs elsewhere, and return the new ids in row order. Values are prepared by
    each field (`get_db_prep_save`), as the ORM would."""
    from django.db import connection
    from django.db.models import (
        AutoField,
        BigAutoField,
        BooleanField,
        CharField,
        ForeignKey,
        IntegerField,
        TextField,
    )
    from django.utils import timezone

    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoField | BigAutoField)]
    now = timezone.now()
    # Text, integers, booleans and keys go to the driver as they are; other values through their field.
    plain = tuple(isinstance(f, CharField | TextField | IntegerField | BooleanField | ForeignKey) for f in fields)
    defaults = [now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else None
                for f in fields]

    def prepared(row: dict[str, Any]) -> list[Any]:
        out = []
        for f, as_is, default in zip(fields, plain, defaults, strict=True):
            value = row.get(f.attname, default) if f.attname in row or default is not None else f.get_default()
            out.append(value if as_is or value is None else f.get_db_prep_save(value, connection))
        return out

    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    high = model._base_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(prepared(row))
                    count += 1
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
            for batch in itertools.batched(rows, 500):
                cursor.executemany(sql, [prepared(row) for row in batch])
                count += len(batch)
    if not return_ids:
        return []
    ids = list(model._base_manager.filter(pk__gt=high).order_by("pk").values_list("pk", flat=True))
    if len(ids) != count:
        raise RuntimeError(f"{model._meta.label}: inserted {count} rows but found {len(ids)} new ids")
    return ids


def _json_safe(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _snapshot(row: dict[str, Any], pk: int) -> dict[str, Any]:
    """What `audit.snapshot` stores for a row: its fields by attribute name, JSON-safe, without the excluded ones."""
    skip = {"created_at", "updated_at", "search_tokens", "password"}
    return {"id": pk, **{k: _json_safe(v) for k, v in row.items() if k not in skip}}


def _sample(rng: random.Random, ids: list[int], k: int = 1000) -> list[int]:
    """Up to k of the ids, for the load test to open at random."""
    return sorted(rng.sample(ids, k=min(k, len(ids))))


def _spread(rng: random.Random, n: int, end: dt.datetime) -> list[dt.datetime]:
    """n ascending moments over the two years before `end`."""
    return sorted(end - TWO_YEARS * rng.random() for _ in range(n))


# -- the seed --------------------------------------------------------------------------------------------------------

def seed(volume: Volume, *, seed: int = 2026, log: Callable[[str], None] = print) -> BenchData:
    """Write `volume` into the current database (already migrated, reference data synced) and return what the load
    test needs. Each part is one transaction."""
    from django.db import connection, transaction
    from django.utils import timezone

    from aiplus.core.models import Jurisdiction, Organisation

    rng = random.Random(seed)
    data = BenchData()
    now = timezone.now()
    places = list(Jurisdiction.objects.filter(level__in=("city", "district")).exclude(division_code="")
                  .order_by("id").values("id", "code", "division_code", "name_zh"))
    if not places:
        raise RuntimeError("no jurisdictions: run `manage.py sync_reference` first")

    def timed(name: str, step: Callable[[], int]) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            n = step()
        data.counts[name] = n
        data.seconds[name] = round(time.perf_counter() - started, 1)
        log(f"  {name}: {n:,} in {data.seconds[name]:.1f} s")

    orgs: list[dict[str, Any]] = []
    members: list[Any] = []
    created: dict[str, list[tuple[int, dict[str, Any]]]] = {}

    def organisations() -> int:
        from aiplus.portal.demo import make_credit_code

        codes: set[str] = set(Organisation.objects.values_list("credit_code", flat=True))
        rows = []
        for moment in _spread(rng, volume.organisations, now):
            kind = rng.choice(KINDS)
            place = rng.choice(places)
            city = next((name for code, name in CITIES.items() if place["code"].startswith(code)), "苏州")
            code = make_credit_code(rng, place["division_code"], kind)
            while code in codes:
                code = make_credit_code(rng, place["division_code"], kind)
            codes.add(code)
            name = f"{city}{rng.choice(NAME_HEADS)}{rng.choice(NAME_HEADS)}{rng.choice(NAME_TAILS[kind])}"
            rows.append({"name": name, "kind": kind, "credit_code": code, "jurisdiction_id": place["id"],
                         "chain_layer": "application" if kind in ("enterprise", "opc") else "foundation",
                         "address": f"{place['name_zh']}{rng.randint(1, 999)}号", "created_at": moment,
                         "updated_at": moment})
        ids = insert(Organisation, rows)
        for pk, row in zip(ids, rows, strict=True):
            row["id"] = pk
        orgs.extend(rows)
        created["core.organisation"] = [(pk, row) for pk, row in zip(ids, rows, strict=True)]
        return len(rows)

    timed("organisations", organisations)
    place_code = {p["id"]: p["code"] for p in places}

    def needs() -> int:
        from aiplus.scenarios.models import Kpi, Need, NeedStatus
        from aiplus.scenarios.search import need_tokens

        statuses = [NeedStatus.PUBLISHED] * 14 + [NeedStatus.SUBMITTED, NeedStatus.REVIEWED, NeedStatus.DRAFT,
                                                  NeedStatus.CLOSED, NeedStatus.WITHDRAWN, NeedStatus.PUBLISHED]
        rows = []
        for moment in _spread(rng, volume.needs, now):
            owner = rng.choice(orgs)
            if rng.random() < 0.6:
                domain, title = "industry.manufacturing", f"{rng.choice(INDUSTRY_SUBJECTS)}{rng.choice(INDUSTRY_TASKS)}"
            else:
                domain, title = rng.choice(PUBLIC_TASKS)
            city = next((n for c, n in CITIES.items() if place_code[owner["jurisdiction_id"]].startswith(c)), "")
            title = f"{city}{title}" + rng.choice(["", "", "项目", "（二期）", "试点"])
            low = Decimal(rng.randrange(100_000, 1_000_000, 10_000))
            status = rng.choice(statuses)
            visibility = "public" if rng.random() < 0.9 else "registered"
            row = {"title": title, "owner_id": owner["id"], "jurisdiction_id": owner["jurisdiction_id"],
                   "domain": domain,
                   "problem": f"{rng.choice(PAINS)}，{rng.choice(SOLUTIONS)}，{rng.choice(CONSTRAINTS)}。",
                   "data_offered": rng.choice(DATA_OFFERED), "required_qualifications": [],
                   "budget_min_cny": low, "budget_max_cny": low * rng.choice([2, 3, 5]),
                   "first_purchase": rng.random() < 0.3, "deadline": (moment + dt.timedelta(days=180)).date(),
                   "visibility": visibility, "status": status,
                   "is_published": status in (NeedStatus.PUBLISHED, NeedStatus.CLOSED) and visibility == "public",
                   "created_at": moment, "updated_at": moment}
            row["search_tokens"] = need_tokens(SimpleNamespace(**row, owner=SimpleNamespace(name=owner["name"])))
            rows.append(row)
        ids = insert(Need, rows)
        insert(Kpi, ({"need_id": pk, "name": "准确率", "target_value": Decimal(rng.choice([90, 95, 99])), "unit": "%",
                      "higher_is_better": True} for pk in ids), return_ids=False)
        created["scenarios.need"] = list(zip(ids, rows, strict=True))
        return len(rows)

    timed("needs", needs)

    def profiles() -> int:
        from aiplus.scenarios.models import CapabilityProfile
        from aiplus.scenarios.search import profile_tokens

        suppliers = [o for o in orgs if o["kind"] in ("enterprise", "opc", "research_institute")] or orgs
        rows = []
        for moment in _spread(rng, volume.profiles, now):
            org = rng.choice(suppliers)
            if rng.random() < 0.6:
                domains, task = ["industry.manufacturing"], rng.choice(INDUSTRY_TASKS)
            else:
                domain, task = rng.choice(PUBLIC_TASKS)
                domains = [domain]
            technologies = rng.sample(TECHNOLOGIES, 3)
            low = Decimal(rng.randrange(100_000, 2_000_000, 10_000))
            row = {"organisation_id": org["id"], "jurisdiction_id": org["jurisdiction_id"],
                   "products": f"{task}{rng.choice(PRODUCTS)}",
                   "description": f"{'、'.join(technologies)}，{rng.choice(SOLUTIONS).removeprefix('需要')}，"
                                  f"{rng.choice(CONSTRAINTS)}。",
                   "domains": domains, "technologies": technologies,
                   "models_used": [m for m in [rng.choice(MODELS_USED)] if m],
                   "reference_cases": f"已在{rng.randint(1, 30)}家单位落地", "qualifications": [],
                   "regions_served": [place_code[org["jurisdiction_id"]]], "price_min_cny": low,
                   "price_max_cny": low * 3, "is_published": rng.random() < 0.95, "created_at": moment,
                   "updated_at": moment}
            row["search_tokens"] = profile_tokens(SimpleNamespace(**row, organisation=SimpleNamespace(
                name=org["name"])))
            rows.append(row)
        ids = insert(CapabilityProfile, rows)
        created["scenarios.capabilityprofile"] = list(zip(ids, rows, strict=True))
        data.profile_ids = _sample(rng, [pk for pk, row in zip(ids, rows, strict=True) if row["is_published"]])
        return len(rows)

    timed("profiles", profiles)

    def datasets() -> int:
        from aiplus.datahub.models import Dataset, Distribution
        from aiplus.datahub.search import tokens_for

        providers = [o for o in orgs if o["kind"] in ("data_provider", "enterprise", "research_institute")] or orgs
        rows = []
        for number, moment in enumerate(_spread(rng, volume.datasets, now), start=1):
            org = rng.choice(providers)
            sector, theme = rng.choice(SECTORS)
            city = next((n for c, n in CITIES.items() if place_code[org["jurisdiction_id"]].startswith(c)), "")
            subject = rng.choice(DATASET_SUBJECTS)
            title = f"{city}{subject}" + rng.choice(["", f"（{moment.year}年）", "（月度）", "（高质量数据集）"])
            keywords = rng.sample(DATASET_KEYWORDS, 3)
            row = {"identifier": f"bench-{number:07d}", "title": title,
                   "description": f"{subject}，{rng.choice(DATASET_NOTES)}。",
                   "keywords": keywords, "provider_id": org["id"], "jurisdiction_id": org["jurisdiction_id"],
                   "sector": sector, "theme": theme, "update_frequency": rng.choice("12345678"),
                   "open_attribute": rng.choice(["unconditional"] * 3 + ["conditional"]),
                   "record_count": rng.randrange(1_000, 100_000_000),
                   "modality": rng.choice(["tabular"] * 4 + ["text", "image", "audio", "video", "multimodal"]),
                   "language": "zh", "issued": moment.date(), "modified": moment.date(), "grade": "general",
                   "high_quality": rng.random() < 0.1, "is_published": rng.random() < 0.9,
                   "created_at": moment, "updated_at": moment}
            row["search_tokens"] = tokens_for(row["title"], row["description"], " ".join(keywords), sector, theme,
                                              org["name"])
            rows.append(row)
        ids = insert(Dataset, rows)
        formats = [("CSV", "text/csv"), ("JSON", "application/json"), ("XLSX", "application/vnd.ms-excel"),
                   ("API", "application/json")]
        insert(Distribution, ({"dataset_id": pk, "identifier": f"{row['identifier']}-1", "title": row["title"],
                               "format": fmt, "media_type": media,
                               "access_url": f"https://data.example.invalid/{row['identifier']}"}
                              for pk, row in zip(ids, rows, strict=True)
                              for fmt, media in [rng.choice(formats)]), return_ids=False)
        created["datahub.dataset"] = list(zip(ids, rows, strict=True))
        data.dataset_ids = _sample(rng, [pk for pk, row in zip(ids, rows, strict=True) if row["is_published"]])
        return len(rows)

    timed("datasets", datasets)

    def people() -> int:
        from django.contrib.auth.hashers import make_password

        from aiplus.core.models import RoleAssignment, User
        from aiplus.core.services import create_api_token

        companies = [o for o in orgs if o["kind"] == "enterprise"][: volume.members]
        password = make_password(BENCH_PASSWORD)  # hashed once: every member shares it
        rows = [{"username": f"bench-member-{n:04d}", "password": password, "display_name": f"{org['name']} 联系人",
                 "email": f"bench-member-{n:04d}@bench.aiplus.invalid", "is_active": True, "date_joined": now,
                 "language": "zh-hans"} for n, org in enumerate(companies)]
        ids = insert(User, rows)
        insert(RoleAssignment, ({"user_id": pk, "role": "enterprise_member", "organisation_id": org["id"],
                                 "active": True} for pk, org in zip(ids, companies, strict=True)), return_ids=False)
        members.extend(User.objects.filter(pk__in=ids).order_by("pk"))
        for user in members:
            _token, key = create_api_token(acting_user=user, name="load benchmark")
            data.members.append({"username": user.username, "session": _session_for(user), "token": key})
        return len(rows)

    timed("members", people)

    def member_rows() -> int:
        from aiplus.compute.models import JobRequest
        from aiplus.core.models import Notification, RoleAssignment

        n = 0
        needs_published = [(pk, row) for pk, row in created["scenarios.need"] if row["is_published"]]
        notes = []
        for user in members:
            for pk, row in rng.sample(needs_published, k=min(volume.notifications_per_member, len(needs_published))):
                reasons = {"zh-hans": "领域一致；文本相关度高", "en": "same domain; close text"}
                notes.append({"recipient_id": user.pk, "verb": "scenarios.strong_match",
                              "title": f"新的强匹配场景需求：{row['title']}", "body": reasons["zh-hans"],
                              "title_msgid": "新的强匹配场景需求：%(t)s", "body_msgid": "%(reasons)s",
                              "params": {"t": row["title"], "reasons": reasons}, "object_type": "scenarios.need",
                              "object_id": str(pk), "link": f"/scenarios/needs/{pk}/",
                              "read_at": now if rng.random() < 0.5 else None})
        n += len(insert(Notification, notes))
        assignments = dict(RoleAssignment.objects.filter(user__in=members).values_list("user_id", "organisation_id"))
        org_place = {o["id"]: o["jurisdiction_id"] for o in orgs}
        requests = []
        for user in members:
            org_id = assignments[user.pk]
            for index in range(volume.requests_per_member):
                requests.append({"title": f"模型训练任务 {index + 1}", "organisation_id": org_id,
                                 "jurisdiction_id": org_place[org_id], "submitted_by_id": user.pk,
                                 "accepted_models": ["H100", "Ascend910B"], "cards": rng.choice([8, 16, 32, 64]),
                                 "hours": Decimal(rng.choice([24, 72, 168])), "status": rng.choice(
                                     ["placed", "placed", "unplaced", "placing"])})
        n += len(insert(JobRequest, requests))
        return n

    timed("notifications and compute requests", member_rows)

    def audit_events() -> int:
        return _append_audit_events(rng, volume.audit_events, created, orgs, members, now)

    timed("audit events", audit_events)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")  # as autovacuum would have long since on a live database
        data.seconds["vacuum analyze"] = round(time.perf_counter() - started, 1)
        log(f"  vacuum analyze: {data.seconds['vacuum analyze']:.1f} s")
    return data


def _session_for(user: Any) -> str:
    """A signed-in session for `user`, as `django.contrib.auth.login` would leave it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def _append_audit_events(rng: random.Random, n: int, created: dict[str, list[tuple[int, dict[str, Any]]]],
                         orgs: list[dict[str, Any]], members: list[Any], now: dt.datetime) -> int:
    """Append n events to the chain (see the module's docstring) and return n."""
    from django.db import connection

    from aiplus.core.auditchain import CHAINED_FIELDS, GENESIS, event_hash
    from aiplus.core.models import AuditEvent
    from aiplus.core.models.audit import CHAIN_LOCK_KEY

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    head = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    sequence, previous = head if head else (0, GENESIS)
    actors = [(u.pk, str(u)) for u in members] or [(None, "system")]
    creations = [(label, pk, row) for label, items in created.items() for pk, row in items]
    rng.shuffle(creations)
    creations = creations[: n // 3]
    verbs = {"core.organisation": "core.organisation.created", "scenarios.need": "scenarios.need.created",
             "scenarios.capabilityprofile": "scenarios.profile.saved", "datahub.dataset": "datahub.dataset.created"}
    steps = [("scenarios.need.submit", "draft", "submitted"), ("scenarios.need.review", "submitted", "reviewed"),
             ("scenarios.need.publish", "reviewed", "published"), ("scenarios.need.close", "published", "closed")]
    needs = created.get("scenarios.need") or [(0, {"title": "", "jurisdiction_id": None, "owner_id": None})]
    moments = _spread(rng, n, now)

    def events() -> Iterator[dict[str, Any]]:
        nonlocal sequence, previous
        pending = iter(creations)
        for index, moment in enumerate(moments):
            actor_id, actor_name = rng.choice(actors)
            item = next(pending, None) if index % 3 == 0 else None
            if item is not None:
                label, pk, row = item
                title = row.get("title") or row.get("name") or row.get("products", "")
                event = {"action": verbs[label], "object_type": label, "object_id": str(pk),
                         "object_repr": str(title)[:200], "jurisdiction_id": row.get("jurisdiction_id"),
                         "organisation_id": row.get("owner_id") or row.get("organisation_id")
                         or row.get("provider_id") or (pk if label == "core.organisation" else None),
                         "before": None, "after": _snapshot(row, pk)}
            else:
                action, before, after = rng.choice(steps)
                pk, row = rng.choice(needs)
                event = {"action": action, "object_type": "scenarios.need", "object_id": str(pk),
                         "object_repr": row["title"][:200], "jurisdiction_id": row["jurisdiction_id"],
                         "organisation_id": row["owner_id"], "before": {"status": before},
                         "after": {"status": after}}
            sequence += 1
            event.update(sequence=sequence, occurred_at=moment, actor_id=actor_id, actor_name=actor_name,
                         request_id=f"{rng.getrandbits(64):016x}", message="", prev_hash=previous)
            previous = event["hash"] = event_hash({name: event[name] for name in CHAINED_FIELDS})
            yield event

    insert(AuditEvent, events(), return_ids=False)
    return n
