"""Company-name normalisation and matching for bank reconciliation.

Bank lines name the payer the way the paying bank typed it: "上海某某贸易" for
"上海某某贸易有限公司", full-width letters and brackets, "某某（上海）贸易", an
English ``CO.,LTD`` suffix.  :func:`name_keys` folds a name to a *full* key
(NFKC, lower case, no punctuation or brackets, no legal-form suffix) and a
*core* key (also without region words), and :func:`name_score` compares two
folded names.  :class:`NameIndex` finds the customers a payer name may be,
without comparing it to every customer: exact keys first, then character
bigrams as blocking keys, and rapidfuzz only within the block.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz

# Longest first: "股份有限公司" must go before "有限公司".
LEGAL_FORMS = sorted({
    "集团股份有限公司", "集团有限责任公司", "集团有限公司", "股份有限公司", "有限责任公司", "有限公司",
    "股份公司", "集团公司", "总公司", "集团", "公司", "厂",
    "companylimited", "coltd", "ltd", "limited", "inc", "corp", "corporation", "company", "co",
}, key=len, reverse=True)

_LEGAL_FORM_TUPLE = tuple(LEGAL_FORMS)

PROVINCES = (
    "北京", "上海", "天津", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)
# Prefecture-level cities and the county-level cities where much of industry sits.
CITIES = tuple("""
石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水 太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁
呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳
盘锦 铁岭 葫芦岛 长春 四平 辽源 通化 白山 松原 白城 哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河
牡丹江 黑河 绥化 南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁 杭州 宁波 温州 嘉兴 湖州 绍兴
金华 衢州 舟山 台州 丽水 合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城 福州
厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德 南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶 济南 青岛 淄博
枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽 郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳
许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 长沙 株洲
湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州
梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮 南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池
来宾 崇左 海口 三亚 成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳
贵阳 六盘水 遵义 安顺 毕节 铜仁 昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 拉萨 西安 铜川 宝鸡 咸阳 渭南 延安 汉中
榆林 安康 商洛 兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 西宁 银川 石嘴山 吴忠 固原 中卫
乌鲁木齐 克拉玛依 昆山 江阴 常熟 张家港 太仓 宜兴 义乌 慈溪 余姚 晋江 石狮 顺德
""".split())
_PROVINCE_SET = frozenset(PROVINCES)
_REGION = "|".join(sorted(set(PROVINCES + CITIES), key=len, reverse=True))
_REGION_WORD = rf"(?:{_REGION})(?:省|市|自治区|特别行政区)?"
_BRACKETED = re.compile(r"[(\[{（【〔［]([^)\]}）】〕］]*)[)\]}）】〕］]")
_LEADING_REGION = re.compile(rf"^(?:{_REGION_WORD}|[\u4e00-\u9fff]{{2,3}}(?:省|市))+")
_CJK_PLACE = re.compile(r"[\u4e00-\u9fff]{2,3}")
NOT_PLACES = frozenset({"股份", "集团", "控股", "有限", "中国", "普通合伙", "有限合伙", "分公司"})
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
MIN_CORE = 4  # a shorter core ("贸易") is a trade word, not a name


@lru_cache(maxsize=200_000)
def name_keys(name: str | None) -> tuple[str, str]:
    """``(full, core)`` keys of a company name ('' for an empty name).

    A place in brackets moves to the front ("某某（上海）贸易" reads as
    "上海某某贸易"); the core key drops the leading place names.

    >>> name_keys("上海某某贸易有限公司")
    ('上海某某贸易', '某某贸易')
    >>> name_keys("某某（上海）贸易有限公司")
    ('上海某某贸易', '某某贸易')
    """
    if not name:
        return "", ""
    text = unicodedata.normalize("NFKC", str(name)).lower().strip()
    places: list[str] = []

    def bracket(match: re.Match[str]) -> str:
        inner = re.sub(r"(省|市)$", "", match.group(1).strip())
        if inner not in NOT_PLACES and (_CJK_PLACE.fullmatch(inner) or re.fullmatch(_REGION_WORD, inner)):
            places.append(inner)
            return ""
        return match.group(1)

    body = _strip_legal_form(_NOISE.sub("", _BRACKETED.sub(bracket, text)))
    full = "".join(places) + body if not body.startswith(tuple(places) or ("\0",)) else body
    core = body if places else _LEADING_REGION.sub("", body)
    if len(core) < 3:
        core = body
    return full, core


_REGION_TOKEN = re.compile(_REGION)
MUNICIPALITIES = frozenset({"北京", "上海", "天津", "重庆", "香港", "澳门"})  # provinces that are one city


@lru_cache(maxsize=200_000)
def regions(name: str | None) -> frozenset[str]:
    """The places a company name starts with — where Chinese companies are registered (企业名称: 行政区划 +
    字号 + 行业 + 组织形式) — or carries in brackets: "永和电子科技（成都）有限公司" → {成都}; empty when
    the name names no known place.

    >>> sorted(regions("广东省深圳市某某贸易有限公司"))
    ['广东', '深圳']
    """
    full, _ = name_keys(name)
    prefix = _LEADING_REGION.match(full)
    return frozenset(_REGION_TOKEN.findall(prefix.group(0))) if prefix else frozenset()


# City names as often a company's brand (安康 "well-being", 大同, 中山): a city only written as one (大同市…, …（大同）)
BRAND_LIKE_PLACES = frozenset({"安康", "大同", "中山", "吉安", "大庆", "常德", "长治", "安顺", "白银", "金昌", "永州",
                               "通化"})
BRANCH_WORDS = ("分公司", "分厂", "分店", "办事处", "营业部")  # a branch carries its parent's place, not its own


@lru_cache(maxsize=200_000)
def cities(name: str | None) -> frozenset[str]:
    """The cities among :func:`regions` (a province alone — 四川 — names no city; 北京 is one); none for a
    branch ("重庆某某有限公司成都分公司" is in 成都, not 重庆)."""
    if not name or any(word in name for word in BRANCH_WORDS):
        return frozenset()
    text = unicodedata.normalize("NFKC", name)
    return frozenset(r for r in regions(name) if (r in MUNICIPALITIES or r not in _PROVINCE_SET) and (
        r not in BRAND_LIKE_PLACES or f"{r}市" in text or re.search(rf"[(\[【]{r}", text)))


def _strip_legal_form(key: str) -> str:
    while key.endswith(_LEGAL_FORM_TUPLE):  # one C-level test for the many names that end in none
        for form in LEGAL_FORMS:
            if key.endswith(form) and len(key) > len(form) + 1:
                key = key[: -len(form)]
                break
        else:
            break
    return key


def name_score(a: str | None, b: str | None) -> float:
    """Similarity 0–100 of two company names (100: same name up to form, width, brackets, legal suffix)."""
    full_a, core_a = name_keys(a)
    full_b, core_b = name_keys(b)
    if not full_a or not full_b:
        return 0.0
    if full_a == full_b:
        return 100.0
    if core_a == core_b and len(core_a) >= MIN_CORE:
        return 96.0
    for shorter, longer in (sorted((core_a, core_b), key=len), sorted((full_a, full_b), key=len)):
        if len(shorter) >= MIN_CORE and shorter in longer:
            return 90.0  # an abbreviation ("达美汽车") or the group company ("郑州恒精集团")
    score = fuzz.ratio(full_a, full_b)
    if min(len(core_a), len(core_b)) >= MIN_CORE:
        score = max(score, fuzz.ratio(core_a, core_b))
    return float(score)


def _bigrams(key: str) -> set[str]:
    return {key[i:i + 2] for i in range(len(key) - 1)} or ({key} if key else set())


class NameHit(NamedTuple):
    key: str  # the indexed entity (a customer id)
    score: float


class NameIndex:
    """Customers by name keys, for finding who a payer name is without a full scan."""

    def __init__(self, names: Iterable[tuple[str, str]], *, max_block: int = 40, max_common: int = 600):
        self._names: dict[str, str] = {}
        full_keys: dict[str, list[str]] = defaultdict(list)
        core_keys: dict[str, list[str]] = defaultdict(list)
        grams: dict[str, list[str]] = defaultdict(list)
        self._max_block = max_block
        self._max_common = max_common
        self._cache: dict[tuple[str | None, float], tuple[NameHit, ...]] = {}
        for key, name in names:
            self._names[key] = name
            full, core = name_keys.__wrapped__(name)  # not cached: only the names a lookup scores need to be
            if not full:
                continue
            full_keys[full].append(key)
            core_keys[core].append(key)
            for gram in _bigrams(core):
                grams[gram].append(key)
        # Tuples, not sets: 200,000 customers make 400,000 one-member groups, and a set of one costs four
        # times a tuple of one (the index held 200 MiB with sets).
        self._full = {k: tuple(dict.fromkeys(v)) for k, v in full_keys.items()}
        self._core = {k: tuple(dict.fromkeys(v)) for k, v in core_keys.items()}
        self._grams = {k: tuple(dict.fromkeys(v)) for k, v in grams.items()}

    def name(self, key: str) -> str:
        return self._names[key]

    def cities(self, key: str) -> frozenset[str]:
        """The cities the indexed name of ``key`` says it is registered in (:func:`cities`); none for a key
        not indexed."""
        return cities(self._names.get(key))

    def lookup(self, payer: str | None, min_score: float = 80.0) -> tuple[NameHit, ...]:
        """Customers whose name scores at least ``min_score`` against ``payer``, best first."""
        cache_key = (payer, min_score)
        if cache_key not in self._cache:
            self._cache[cache_key] = self._lookup(payer, min_score)
        return self._cache[cache_key]

    def _lookup(self, payer: str | None, min_score: float) -> tuple[NameHit, ...]:
        full, core = name_keys(payer)
        if not full:
            return ()
        exact = set(self._full.get(full, ()))
        if len(core) >= MIN_CORE:
            exact.update(self._core.get(core, ()))
        if exact:
            block = list(exact)
        else:
            # Customers are indexed by their core (no place names); a payer whose core kept its place
            # because the rest is short ("呼和浩特方诚集团" → 呼和浩特方诚) is blocked by the rest ("方诚").
            grams = _bigrams(_LEADING_REGION.sub("", core) or core)
            counts: Counter[str] = Counter()
            for gram in grams:
                members = self._grams.get(gram, ())
                if len(members) <= self._max_common:  # a gram shared by a crowd ("贸易") says nothing
                    counts.update(members)
            need = max(1, len(grams) // 2)
            ranked = sorted((k for k, c in counts.items() if c >= need), key=lambda k: (-counts[k], k))
            block = ranked[: self._max_block]
            if len(ranked) > self._max_block:
                # Customers sharing as many grams as the last one kept are as likely: cutting them by key
                # would hide a namesake and make the payer look unambiguous.
                cut = counts[block[-1]]
                block = [k for k in ranked if counts[k] >= cut][: self._max_common]
        hits = [NameHit(k, name_score(payer, self._names[k])) for k in block]
        return tuple(sorted((h for h in hits if h.score >= min_score), key=lambda h: (-h.score, h.key)))
