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
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

# Longest first: "股份有限公司" must go before "有限公司".
LEGAL_FORMS = sorted({
    "集团股份有限公司", "集团有限责任公司", "集团有限公司", "股份有限公司", "有限责任公司", "有限公司",
    "股份公司", "集团公司", "总公司", "集团", "公司", "厂",
    "companylimited", "coltd", "ltd", "limited", "inc", "corp", "corporation", "company", "co",
}, key=len, reverse=True)

PROVINCES = (
    "北京", "上海", "天津", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)
CITIES = (
    "深圳", "广州", "杭州", "南京", "苏州", "武汉", "成都", "西安", "宁波", "青岛", "厦门", "无锡", "佛山",
    "东莞", "合肥", "郑州", "长沙", "济南", "福州", "大连", "沈阳", "昆明", "南昌", "常州", "温州", "绍兴",
    "嘉兴", "台州", "金华", "珠海", "中山", "惠州", "烟台", "潍坊", "泉州", "南通", "扬州", "徐州", "哈尔滨",
    "长春", "石家庄", "太原", "南宁", "贵阳", "兰州", "海口", "呼和浩特", "乌鲁木齐", "银川", "西宁", "拉萨",
)
_REGION = "|".join(sorted(PROVINCES + CITIES, key=len, reverse=True))
_REGION_WORD = rf"(?:{_REGION})(?:省|市|自治区|特别行政区)?"
_BRACKETED = re.compile(r"[(\[{（【〔［][^)\]}）】〕］]*[)\]}）】〕］]")
_LEADING_REGION = re.compile(rf"^(?:{_REGION_WORD})+")
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
MIN_CORE = 4  # a shorter core ("贸易") is a trade word, not a name


@lru_cache(maxsize=200_000)
def name_keys(name: str | None) -> tuple[str, str]:
    """``(full, core)`` keys of a company name ('' for an empty name).

    >>> name_keys("上海某某贸易有限公司")
    ('上海某某贸易', '某某贸易')
    >>> name_keys("某某（上海）贸易有限公司")
    ('某某上海贸易', '某某贸易')
    """
    if not name:
        return "", ""
    text = unicodedata.normalize("NFKC", str(name)).lower().strip()
    region_in_brackets = _BRACKETED.sub(lambda m: m.group(0) if not _is_region(m.group(0)) else "", text)
    full = _strip_legal_form(_NOISE.sub("", text))
    core = _strip_legal_form(_NOISE.sub("", region_in_brackets))
    core = _LEADING_REGION.sub("", core) or core
    return full, core


def _is_region(bracketed: str) -> bool:
    return re.fullmatch(rf"{_REGION_WORD}", bracketed[1:-1]) is not None


def _strip_legal_form(key: str) -> str:
    changed = True
    while changed and key:
        changed = False
        for form in LEGAL_FORMS:
            if key.endswith(form) and len(key) > len(form) + 1:
                key = key[: -len(form)]
                changed = True
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
    shorter, longer = sorted((core_a, core_b), key=len)
    if len(shorter) >= 4 and shorter in longer:
        return 90.0
    score = fuzz.ratio(full_a, full_b)
    if min(len(core_a), len(core_b)) >= MIN_CORE:
        score = max(score, fuzz.ratio(core_a, core_b))
    return float(score)


def _bigrams(key: str) -> set[str]:
    return {key[i:i + 2] for i in range(len(key) - 1)} or ({key} if key else set())


@dataclass(frozen=True)
class NameHit:
    key: str  # the indexed entity (a customer id)
    score: float


class NameIndex:
    """Customers by name keys, for finding who a payer name is without a full scan."""

    def __init__(self, names: Iterable[tuple[str, str]], *, max_block: int = 200):
        self._names: dict[str, str] = {}
        self._full: dict[str, set[str]] = defaultdict(set)
        self._core: dict[str, set[str]] = defaultdict(set)
        self._grams: dict[str, set[str]] = defaultdict(set)
        self._max_block = max_block
        self._cache: dict[tuple[str | None, float], tuple[NameHit, ...]] = {}
        for key, name in names:
            self._names[key] = name
            full, core = name_keys(name)
            if not full:
                continue
            self._full[full].add(key)
            self._core[core].add(key)
            for gram in _bigrams(core):
                self._grams[gram].add(key)

    def name(self, key: str) -> str:
        return self._names[key]

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
        exact = self._full.get(full, set())
        if len(core) >= MIN_CORE:
            exact = exact | self._core.get(core, set())
        if exact:
            block = exact
        else:
            counts: dict[str, int] = defaultdict(int)
            for gram in _bigrams(core):
                members = self._grams.get(gram, ())
                if len(members) > self._max_block * 20:
                    continue  # a gram shared by half the customers ("贸易") says nothing
                for key in members:
                    counts[key] += 1
            need = max(1, len(_bigrams(core)) // 2)
            block = sorted((k for k, c in counts.items() if c >= need), key=lambda k: -counts[k])[: self._max_block]
        hits = [NameHit(k, name_score(payer, self._names[k])) for k in block]
        return tuple(sorted((h for h in hits if h.score >= min_score), key=lambda h: (-h.score, h.key)))
