"""Deterministic generator of scenario needs and supplier capability profiles for bench/matching.py.

Every generated document carries a hidden ground truth that the text only expresses in words:

* a need is about one *problem*: (sub-scenario, keyword, sector) plus a deployment mode, a region, optional
  required qualifications and a budget;
* a profile's main product solves one problem (sub-scenario, keyword, sector) in one or two deployment modes;
  its text also mentions other keywords and sectors in passing (hard negatives for text search).

A profile is relevant to a need (`grade`) when its main problem is the need's problem, it supports the
need's deployment mode, it holds every required qualification and it serves the need's region; grade 2 if its
price range also overlaps the budget, else 1. Needs and profiles pick their wording independently from
variant lists: the taxonomy keyword, the other forms of its group in the engine's synonyms.tsv, and held-out
paraphrases that are *not* in the engine's table (HELD_OUT), so the engine does not see all of the
generator's vocabulary.

For each labelled need (every 10th) three true solutions and three near misses (missing qualification or
region, right keyword in the wrong sector, right sector with the wrong keyword) are planted; the generic
population may contain further true solutions by chance, and the labels include those too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from aiplus.scenarios.matching import CapabilityProfile, Need

ROOT = Path(__file__).resolve().parent.parent
TAXONOMY = ROOT / "packs" / "suzhou" / "taxonomies" / "scenario_domains.yaml"
SYNONYMS = ROOT / "src" / "aiplus" / "scenarios" / "matching" / "data" / "synonyms.tsv"
LABELS = ROOT / "bench" / "data" / "matching_labels.jsonl"

N_NEEDS = 1000
N_PROFILES = 100_000
LABEL_EVERY = 10
PLANTED_TRUE = 3
PLANTED_NEAR = 3

# Paraphrases deliberately absent from the engine's synonyms.tsv.
HELD_OUT: dict[str, list[str]] = {
    "工业质检": ["产线质检", "来料检验"],
    "缺陷检测": ["表面瑕疵识别", "外观不良检出"],
    "预测性维护": ["设备故障预警", "设备异常预警"],
    "工艺优化": ["工艺参数寻优"],
    "排产调度": ["生产计划优化"],
    "药物研发": ["药物筛选", "分子筛选"],
    "材料发现": ["材料性能预测"],
    "智能客服": ["客服问答机器人"],
    "金融风控": ["反欺诈识别"],
    "病虫害识别": ["病害识别"],
    "医学影像": ["影像辅助阅片"],
    "辅助诊断": ["智能辅助诊断"],
    "作业批改": ["作业自动评阅"],
    "跌倒检测": ["老人跌倒报警"],
    "机器翻译": ["多语种翻译"],
    "一网通办": ["一件事一次办"],
    "公文写作": ["公文辅助写作"],
    "视频分析": ["视频智能解析"],
    "客流分析": ["客流统计分析"],
    "岗位匹配": ["人岗智能匹配"],
}

SECTORS: dict[str, list[str]] = {
    "science.paradigm": [
        "高校实验室",
        "创新药企",
        "合成生物",
        "基因测序",
        "新材料研究院",
        "化学合成",
        "天文观测",
        "气象预报",
        "地质勘探",
        "海洋科学",
        "中医药研究",
        "农业育种",
    ],
    "science.application": [
        "检测机构",
        "技术转移中心",
        "产业研究院",
        "科技园区",
        "计量院",
        "标准化研究院",
        "专利服务",
        "孵化器",
        "高校科技处",
        "装备研究所",
        "环境监测站",
        "质检院",
    ],
    "industry.manufacturing": [
        "汽车零部件",
        "印制电路板",
        "纺织面料",
        "光伏组件",
        "锂电池",
        "钢铁冶金",
        "精细化工",
        "食品饮料",
        "医疗器械",
        "家电",
        "数控机床",
        "注塑件",
    ],
    "industry.emerging": [
        "创新药",
        "动力电池",
        "储能电站",
        "无人机",
        "车联网",
        "晶圆制造",
        "封装测试",
        "氢能",
        "商业航天",
        "人形机器人",
        "碳纤维",
        "风电",
    ],
    "industry.agriculture": [
        "水稻种植",
        "茶园",
        "大闸蟹养殖",
        "设施大棚",
        "果园",
        "生猪养殖",
        "奶牛牧场",
        "蔬菜基地",
        "粮食仓储",
        "渔业码头",
        "花卉苗木",
        "小麦种植",
    ],
    "industry.services": [
        "商业银行",
        "保险公司",
        "律师事务所",
        "快递物流",
        "会展中心",
        "酒店集团",
        "连锁餐饮",
        "证券公司",
        "港口码头",
        "冷链仓储",
        "旅行社",
        "物业管理",
    ],
    "industry.ai_native": [
        "自媒体工作室",
        "软件外包",
        "跨境卖家",
        "设计工作室",
        "内容平台",
        "咨询公司",
        "独立开发者",
        "营销机构",
        "出版社",
        "游戏工作室",
        "直播机构",
        "知识付费",
    ],
    "consumption.retail": [
        "连锁超市",
        "便利店",
        "购物中心",
        "家居卖场",
        "服装品牌",
        "美妆品牌",
        "母婴连锁",
        "生鲜电商",
        "汽车4S店",
        "药店连锁",
        "免税店",
        "家电卖场",
    ],
    "consumption.terminals": [
        "家电厂商",
        "手机厂商",
        "整车厂",
        "智能音箱",
        "儿童手表",
        "扫地机器人",
        "电视厂商",
        "眼镜品牌",
        "耳机品牌",
        "门锁厂商",
        "玩具厂商",
        "照明厂商",
    ],
    "consumption.culture_tourism": [
        "古典园林",
        "博物馆",
        "主题乐园",
        "古镇景区",
        "剧院",
        "非遗工坊",
        "文创园区",
        "影视基地",
        "美术馆",
        "度假区",
        "游戏公司",
        "演艺集团",
    ],
    "livelihood.employment": [
        "人力资源市场",
        "职业院校",
        "人社局",
        "劳务派遣",
        "招聘平台",
        "零工市场",
        "退役军人服务",
        "高校就业中心",
        "技工学校",
        "产业园区",
        "社区就业站",
        "外卖骑手站",
    ],
    "livelihood.education": [
        "小学",
        "初中",
        "高中",
        "职业院校",
        "高校",
        "培训机构",
        "特殊教育学校",
        "幼儿园",
        "教育局",
        "开放大学",
        "教师发展中心",
        "少年宫",
    ],
    "livelihood.health": [
        "三甲医院",
        "社区卫生服务中心",
        "体检中心",
        "妇幼保健院",
        "中医院",
        "口腔诊所",
        "医保局",
        "疾控中心",
        "眼科医院",
        "康复医院",
        "互联网医院",
        "药企医学部",
    ],
    "livelihood.elderly": [
        "养老院",
        "日间照料中心",
        "社区居家养老",
        "护理院",
        "老年大学",
        "民政局",
        "康养社区",
        "医养结合机构",
        "适老化改造",
        "助餐点",
        "失能照护",
        "老年公寓",
    ],
    "governance.social": [
        "街道办",
        "城管局",
        "网格中心",
        "信访局",
        "社区居委会",
        "城市运行中心",
        "公安分局",
        "宣传部",
        "住建局",
        "生态环境局",
        "水务局",
        "市场监管局",
    ],
    "governance.government_services": [
        "政务服务中心",
        "税务局",
        "不动产登记中心",
        "市场监管局",
        "人社局",
        "公积金中心",
        "行政审批局",
        "档案馆",
        "司法局",
        "统计局",
        "办公厅",
        "商务局",
    ],
    "governance.public_safety": [
        "应急管理局",
        "消防救援支队",
        "交警支队",
        "化工园区",
        "地铁集团",
        "水利局",
        "建筑工地",
        "危化品仓库",
        "燃气公司",
        "港口",
        "矿山",
        "学校安保",
    ],
    "international.trade": [
        "外贸工厂",
        "跨境电商卖家",
        "报关行",
        "货代公司",
        "综合保税区",
        "外贸综合服务",
        "自贸片区",
        "口岸",
        "进口商",
        "出口服装",
        "出口家具",
        "跨境物流",
    ],
    "international.going_global": [
        "新能源车企",
        "光伏企业",
        "工程机械",
        "游戏出海",
        "短剧出海",
        "家电出海",
        "电池企业",
        "医疗器械出海",
        "服装品牌出海",
        "软件出海",
        "餐饮出海",
        "支付企业",
    ],
}

ALL_SECTORS = sorted({s for v in SECTORS.values() for s in v})

DEPLOY: dict[str, list[str]] = {
    "private": ["私有化部署", "本地化部署", "内网部署", "本地部署"],
    "cloud": ["云端部署", "SaaS", "云服务"],
    "edge": ["边缘部署", "端侧部署", "边缘计算"],
}

SUZHOU = {
    "gusu": "姑苏区",
    "snd": "虎丘区",
    "wuzhong": "吴中区",
    "xiangcheng": "相城区",
    "wujiang": "吴江区",
    "sip": "苏州工业园区",
    "changshu": "常熟市",
    "zhangjiagang": "张家港市",
    "kunshan": "昆山市",
    "taicang": "太仓市",
}
GUANGDONG = {
    "guangzhou": "广州",
    "shenzhen": "深圳",
    "zhuhai": "珠海",
    "shantou": "汕头",
    "foshan": "佛山",
    "shaoguan": "韶关",
    "zhanjiang": "湛江",
    "zhaoqing": "肇庆",
    "jiangmen": "江门",
    "maoming": "茂名",
    "huizhou": "惠州",
    "meizhou": "梅州",
    "shanwei": "汕尾",
    "heyuan": "河源",
    "yangjiang": "阳江",
    "qingyuan": "清远",
    "dongguan": "东莞",
    "zhongshan": "中山",
    "chaozhou": "潮州",
    "jieyang": "揭阳",
    "yunfu": "云浮",
}
REGIONS: dict[str, str] = {f"suzhou.{k}": f"苏州{v}" for k, v in SUZHOU.items()}
REGIONS.update({f"guangdong.{k}": f"广东{v}" for k, v in GUANGDONG.items()})
REGION_NAMES: dict[str, str] = {"suzhou": "苏州全市", "guangdong": "广东全省", "national": "全国", **REGIONS}
LEAVES = sorted(REGIONS)

QUALS = ["等保三级", "ISO27001", "算法备案", "生成式人工智能服务备案", "高新技术企业", "CMMI3"]
QUAL_FORMS = {
    "等保三级": ["等保三级", "网络安全等级保护三级"],
    "ISO27001": ["ISO27001", "信息安全管理体系认证"],
    "算法备案": ["算法备案"],
    "生成式人工智能服务备案": ["生成式人工智能服务备案", "大模型备案"],
    "高新技术企业": ["高新技术企业", "高企"],
    "CMMI3": ["CMMI3", "CMMI三级"],
    "医疗器械注册证": ["医疗器械注册证"],
}

TECH = [
    "计算机视觉",
    "大模型",
    "深度学习",
    "知识图谱",
    "自然语言处理",
    "语音识别",
    "强化学习",
    "多模态大模型",
    "时序预测",
    "目标检测",
    "图像分割",
    "检索增强生成",
    "数字孪生",
    "联邦学习",
    "光学字符识别",
]
MODELS = [
    "通义千问",
    "DeepSeek",
    "Qwen2.5",
    "GLM-4",
    "文心一言",
    "YOLOv8",
    "ResNet",
    "BERT",
    "Llama3",
    "盘古大模型",
    "混元",
    "自研模型",
]
BRAND_A = list("智云慧数灵瞳芯擎图联思睿深极星若天凌拓维")
BRAND_B = list("视算行科途衡澜启朗川曜岚弈矩鉴航源")
ORG_SUFFIX = [
    "科技有限公司",
    "智能科技有限公司",
    "信息技术有限公司",
    "人工智能研究院",
    "数据科技股份有限公司",
    "软件有限公司",
]
PAINS = [
    "目前主要依靠人工，效率低、一致性差",
    "人工成本逐年上升，招工难",
    "现有系统老旧，数据分散难以利用",
    "业务量快速增长，现有人手难以支撑",
    "漏检误判时有发生，影响质量和声誉",
    "管理部门对数据安全要求高",
    "缺少专业算法团队，希望引入外部力量",
    "已有一定数据积累，但缺乏分析手段",
]
PRODUCT_NOUN = ["一体机", "平台", "系统", "解决方案", "SaaS服务", "软件", "算法套件", "智能终端"]
NEED_TITLES = [
    "{sector}{kw}场景需求",
    "{region}{sector}征集{kw}解决方案",
    "面向{sector}的{kw}项目",
    "{sector}{kw}能力需求",
    "{kw}在{sector}的试点应用",
]


@dataclass(frozen=True, slots=True)
class Sub:
    code: str
    name: str
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NeedTruth:
    need: Need
    sub: str
    kw: str
    sector: str
    deploy: str


@dataclass(frozen=True, slots=True)
class ProfileTruth:
    profile: CapabilityProfile
    sub: str
    kw: str
    sector: str
    deploy: frozenset[str]


def load_subs() -> list[Sub]:
    data = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    out = []
    for dom in data["items"]:
        for ch in dom.get("children", []):
            out.append(Sub(ch["code"], ch["name"]["zh"], tuple(ch.get("keywords", []))))
    return out


def load_synonym_groups() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for line in SYNONYMS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        forms = [f for f in line.split("\t") if f.strip()]
        for f in forms:
            groups[f] = forms
    return groups


class Vocab:
    def __init__(self) -> None:
        self.subs = load_subs()
        self.by_code = {s.code: s for s in self.subs}
        self.groups = load_synonym_groups()

    def kw_form(self, kw: str, rng: random.Random) -> str:
        """The taxonomy word, another form of its synonym group, or a held-out paraphrase."""
        r = rng.random()
        held = HELD_OUT.get(kw, [])
        if held and r < 0.25:
            return rng.choice(held)
        others = [f for f in self.groups.get(kw, [kw]) if f != kw and " " not in f]
        if others and r < 0.65:
            return rng.choice(others)
        return kw

    def held_out_share(self) -> float:
        forms = sum(len(v) for v in HELD_OUT.values())
        known = sum(len(self.groups.get(k, [k])) for s in self.subs for k in s.keywords)
        return forms / (forms + known)


def _money(wan: float) -> Decimal:
    return Decimal(int(wan * 10_000))


def _serves(served: tuple[str, ...], region: str) -> bool:
    return any(s == "national" or s == region or region.startswith(s + ".") for s in served)


def _overlap(p: CapabilityProfile, n: Need) -> bool:
    assert p.price_min_cny is not None and p.price_max_cny is not None
    assert n.budget_min_cny is not None and n.budget_max_cny is not None
    return p.price_min_cny <= n.budget_max_cny and n.budget_min_cny <= p.price_max_cny


def grade(n: NeedTruth, p: ProfileTruth) -> int:
    if (p.kw, p.sector) != (n.kw, n.sector) or n.deploy not in p.deploy:
        return 0
    if not set(n.need.required_qualifications) <= set(p.profile.qualifications):
        return 0
    if not _serves(p.profile.regions_served, n.need.regions[0]):
        return 0
    return 2 if _overlap(p.profile, n.need) else 1


def make_need(i: int, v: Vocab) -> NeedTruth:
    rng = random.Random(f"need-{i}")
    sub = rng.choice(v.subs)
    kw = rng.choice(sub.keywords)
    sector = rng.choice(SECTORS[sub.code])
    deploy = rng.choice(sorted(DEPLOY))
    region = rng.choice(LEAVES)
    req: tuple[str, ...] = ()
    if rng.random() < 0.5:
        req = (
            ("医疗器械注册证",)
            if sub.code == "livelihood.health" and rng.random() < 0.5
            else (rng.choice(QUALS),)
        )
    lo = rng.choice([20, 30, 50, 80, 100, 150, 200, 300, 500])
    hi = lo * rng.choice([1.5, 2, 3])
    kwf = v.kw_form(kw, rng)
    title = rng.choice(NEED_TITLES).format(sector=sector, kw=kwf, region=REGIONS[region])
    kwf2 = v.kw_form(kw, rng)
    qual_txt = f"供应商须具备{rng.choice(QUAL_FORMS[req[0]])}" if req else "不设资质门槛"
    desc = (
        f"我单位位于{REGIONS[region]}，属于{sector}领域。{rng.choice(PAINS)}。"
        f"现计划引入{rng.choice(TECH)}技术开展{kwf2}，要求{rng.choice(DEPLOY[deploy])}，{qual_txt}。"
        f"可提供历史数据约{rng.randint(1, 50)}万条用于训练和验证。"
    )
    extra = rng.choice(["响应时间小于1秒", "上线周期三个月", "覆盖全部业务环节", "人工工作量减少一半"])
    kpis = f"{v.kw_form(kw, rng)}准确率不低于{rng.choice([90, 95, 98, 99])}%，{extra}"
    need = Need(
        id=f"N{i:05d}",
        title=title,
        description=desc,
        domains=(sub.code,),
        regions=(region,),
        required_qualifications=req,
        budget_min_cny=_money(lo),
        budget_max_cny=_money(hi),
        kpis=kpis,
    )
    return NeedTruth(need, sub.code, kw, sector, deploy)


def make_profile(
    pid: str,
    rng: random.Random,
    v: Vocab,
    sub: Sub,
    kw: str,
    sector: str,
    deploy: frozenset[str],
    quals: tuple[str, ...],
    served: tuple[str, ...],
    price: tuple[float, float],
) -> ProfileTruth:
    home = served[0] if served[0] in REGIONS else rng.choice(LEAVES)
    brand = rng.choice(BRAND_A) + rng.choice(BRAND_B)
    city = REGIONS[home][2:4] if home.startswith("guangdong") else "苏州"
    org = f"{city}{brand}{rng.choice(ORG_SUFFIX)}"
    kwf = v.kw_form(kw, rng)
    others_kw = [k for k in sub.keywords if k != kw]
    rng.shuffle(others_kw)
    others_sec = [s for s in SECTORS[sub.code] if s != sector]  # hard negatives: same sub, other sector
    rng.shuffle(others_sec)
    dep_txt = "、".join(rng.choice(DEPLOY[d]) for d in sorted(deploy))
    products = f"{brand}{v.kw_form(kw, rng)}{rng.choice(PRODUCT_NOUN)}（面向{sector}）"
    techs = tuple(rng.sample(TECH, 2))
    desc = (
        f"{org}专注于{sector}领域的{kwf}，基于{techs[0]}和{techs[1]}自主研发，支持{dep_txt}。"
        f"已服务{rng.randint(3, 80)}家客户，同时提供{v.kw_form(others_kw[0], rng)}、"
        f"{v.kw_form(others_kw[1], rng)}等能力，客户还覆盖{others_sec[0]}、{others_sec[1]}。"
        f"服务区域：{'、'.join(REGION_NAMES[s] for s in served)}。"
        f"资质：{'、'.join(rng.choice(QUAL_FORMS[q]) for q in quals) or '暂无'}。"
    )
    domains = (sub.code,) if rng.random() < 0.8 else (sub.code, rng.choice(v.subs).code)
    p = CapabilityProfile(
        id=pid,
        org_name=org,
        description=desc,
        products=products,
        domains=domains,
        technologies=techs,
        models_used=tuple(rng.sample(MODELS, 2)),
        qualifications=quals,
        regions_served=served,
        price_min_cny=_money(price[0]),
        price_max_cny=_money(price[1]),
    )
    return ProfileTruth(p, sub.code, kw, sector, deploy)


def _random_served(rng: random.Random) -> tuple[str, ...]:
    r = rng.random()
    leaf = rng.choice(LEAVES)
    if r < 0.45:
        return (leaf,)
    if r < 0.6:
        return (leaf, rng.choice(LEAVES))
    if r < 0.85:
        return (leaf.split(".")[0],)
    return ("national",)


def _random_quals(rng: random.Random, sub: str) -> tuple[str, ...]:
    qs = [q for q in QUALS if rng.random() < 0.3]
    if sub == "livelihood.health" and rng.random() < 0.4:
        qs.append("医疗器械注册证")
    return tuple(qs)


def _random_price(rng: random.Random) -> tuple[float, float]:
    lo = rng.choice([5, 10, 20, 30, 50, 80, 100, 200, 300])
    return lo, lo * rng.choice([2, 3, 4, 6])


def generic_profile(i: int, v: Vocab) -> ProfileTruth:
    rng = random.Random(f"profile-{i}")
    sub = rng.choice(v.subs)
    kw = rng.choice(sub.keywords)
    # Suppliers also work for sectors no need of this sub-scenario names (a defect-detection vendor for
    # batteries); drawing most sectors from the whole list keeps each exact problem rare, as it is in reality.
    sector = rng.choice(SECTORS[sub.code]) if rng.random() < 0.35 else rng.choice(ALL_SECTORS)
    deploy = frozenset(rng.sample(sorted(DEPLOY), 1 if rng.random() < 0.6 else 2))
    return make_profile(
        f"G{i:06d}",
        rng,
        v,
        sub,
        kw,
        sector,
        deploy,
        _random_quals(rng, sub.code),
        _random_served(rng),
        _random_price(rng),
    )


def planted_profiles(nt: NeedTruth, v: Vocab) -> list[ProfileTruth]:
    """Three true solutions to `nt` and three near misses, worded independently of the need."""
    rng = random.Random(f"planted-{nt.need.id}")
    sub = v.by_code[nt.sub]
    region = nt.need.regions[0]
    req = nt.need.required_qualifications
    lo, hi = float(nt.need.budget_min_cny or 0) / 1e4, float(nt.need.budget_max_cny or 0) / 1e4
    out: list[ProfileTruth] = []
    for j in range(PLANTED_TRUE):
        served = rng.choice([(region,), (region.split(".")[0],), ("national",), (region, rng.choice(LEAVES))])
        quals = tuple(sorted(set(req) | set(_random_quals(rng, nt.sub))))
        deploy = frozenset({nt.deploy} | ({rng.choice(sorted(DEPLOY))} if rng.random() < 0.4 else set()))
        price = (lo * 0.8, hi * 1.2) if j < 2 else (hi * 1.5, hi * 3)
        out.append(
            make_profile(f"T{nt.need.id[1:]}{j}", rng, v, sub, nt.kw, nt.sector, deploy, quals, served, price)
        )
    # Near misses: each right on text in some way, wrong on the ground truth.
    other_kw = rng.choice([k for k in sub.keywords if k != nt.kw])
    other_sec = rng.choice([s for s in SECTORS[nt.sub] if s != nt.sector])
    far_leaf = rng.choice([x for x in LEAVES if x.split(".")[0] != region.split(".")[0]])
    price = (lo, hi)
    if req:
        quals_a = tuple(q for q in _random_quals(rng, nt.sub) if q not in req)
        miss = make_profile(
            f"X{nt.need.id[1:]}0",
            rng,
            v,
            sub,
            nt.kw,
            nt.sector,
            frozenset({nt.deploy}),
            quals_a,
            (region,),
            price,
        )
    else:
        miss = make_profile(
            f"X{nt.need.id[1:]}0",
            rng,
            v,
            sub,
            nt.kw,
            nt.sector,
            frozenset({nt.deploy}),
            (),
            (far_leaf,),
            price,
        )
    out.append(miss)
    out.append(
        make_profile(
            f"X{nt.need.id[1:]}1",
            rng,
            v,
            sub,
            nt.kw,
            other_sec,
            frozenset({nt.deploy}),
            tuple(req),
            (region,),
            price,
        )
    )
    out.append(
        make_profile(
            f"X{nt.need.id[1:]}2",
            rng,
            v,
            sub,
            other_kw,
            nt.sector,
            frozenset({nt.deploy}),
            tuple(req),
            (region,),
            price,
        )
    )
    return out


@dataclass
class Dataset:
    needs: list[NeedTruth]
    profiles: list[ProfileTruth]
    labelled: list[NeedTruth]


def generate(n_needs: int = N_NEEDS, n_profiles: int = N_PROFILES) -> Dataset:
    v = Vocab()
    needs = [make_need(i, v) for i in range(n_needs)]
    labelled = needs[::LABEL_EVERY]
    planted = [p for nt in labelled for p in planted_profiles(nt, v)]
    generic = [generic_profile(i, v) for i in range(max(0, n_profiles - len(planted)))]
    return Dataset(needs, planted + generic, labelled)


def labels(ds: Dataset) -> list[tuple[str, str, int]]:
    by_problem: dict[tuple[str, str], list[ProfileTruth]] = {}
    for p in ds.profiles:
        by_problem.setdefault((p.kw, p.sector), []).append(p)
    out = []
    for nt in ds.labelled:
        for p in by_problem.get((nt.kw, nt.sector), []):
            g = grade(nt, p)
            if g:
                out.append((nt.need.id, p.profile.id, g))
    return out
