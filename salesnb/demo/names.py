"""Chinese person and company names, and the ways a bank writes a payer's name."""

from __future__ import annotations

import numpy as np

from . import vocab

_SURNAMES = np.array(list(vocab.SURNAMES))
_SURNAME_WEIGHTS = 1.0 / np.sqrt(np.arange(1, len(_SURNAMES) + 1))  # common surnames come first
_SURNAME_WEIGHTS /= _SURNAME_WEIGHTS.sum()
_GIVEN = np.array(list(vocab.GIVEN_CHARS))


def person_names(rng: np.random.Generator, n: int, unique: bool = False) -> list[str]:
    """``n`` Chinese names: a common surname and one or two given-name characters."""
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        k = (n - len(out)) * 2
        sur = rng.choice(_SURNAMES, k, p=_SURNAME_WEIGHTS)
        g1 = rng.choice(_GIVEN, k)
        g2 = np.where(rng.random(k) < 0.7, rng.choice(_GIVEN, k), "")
        for s, a, b in zip(sur.tolist(), g1.tolist(), g2.tolist()):
            name = s + a + b
            if a == b or (unique and name in seen):
                continue
            seen.add(name)
            out.append(name)
            if len(out) == n:
                break
    return out


def pinyin_ids(names: list[str]) -> list[str]:
    """WeCom-style account ids from names (``zhangwei``), made unique with a number."""
    counts: dict[str, int] = {}
    out = []
    for name in names:
        base = "".join(vocab.PINYIN[ch] for ch in name)
        counts[base] = counts.get(base, 0) + 1
        out.append(base if counts[base] == 1 else f"{base}{counts[base]}")
    return out


def company_names(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """``n`` distinct company names with their region, city, brand and industry.

    Most read city + brand + industry word + 有限公司 (上海恒瑞精密机械有限公司); some put
    the city in full-width brackets after the brand (恒瑞精密机械（上海）有限公司).
    """
    cities = [(c, r) for r in vocab.REGIONS for c in vocab.CITIES[r]]
    region_of_city = np.array([vocab.REGIONS.index(r) for _, r in cities])
    city_weight = np.array([vocab.REGION_WEIGHTS[r] / len(vocab.CITIES[vocab.REGIONS[r]]) for r in region_of_city])
    chars = list(vocab.BRAND_CHARS)
    brands = np.array([a + b for a in chars for b in chars if a != b])
    industries = vocab.INDUSTRY_WORDS

    # Draw distinct (city, brand, industry) triples: cities by weight, the rest uniform.
    n_cities, n_brands, n_ind = len(cities), len(brands), len(industries)
    picked: set[int] = set()
    keys = np.empty(n, dtype=np.int64)
    filled = 0
    while filled < n:
        k = (n - filled) * 2 + 16
        c = rng.choice(n_cities, k, p=city_weight / city_weight.sum())
        b = rng.integers(0, n_brands, k)
        i = rng.integers(0, n_ind, k)
        for key in ((c * n_brands + b) * n_ind + i).tolist():
            if key not in picked:
                picked.add(key)
                keys[filled] = key
                filled += 1
                if filled == n:
                    break
    ind = keys % n_ind
    brand = (keys // n_ind) % n_brands
    city = keys // (n_ind * n_brands)

    city_names = np.array([c for c, _ in cities])[city]
    brand_names = brands[brand]
    ind_words = np.array([w for w, _ in industries])[ind]
    suffix = np.where(rng.random(n) < 0.22, vocab.COMPANY_SUFFIXES[1], vocab.COMPANY_SUFFIXES[0])
    bracketed = rng.random(n) < 0.15
    names = [
        f"{b}{w}（{c}）{s}" if br else f"{c}{b}{w}{s}"
        for c, b, w, s, br in zip(city_names.tolist(), brand_names.tolist(), ind_words.tolist(),
                                  suffix.tolist(), bracketed.tolist())
    ]
    return {
        "name": np.array(names, dtype=object),
        "region": region_of_city[city],
        "city": city_names,
        "brand": brand_names,
        "industry": np.array([v for _, v in industries])[ind],
        "industry_word": ind_words,
    }


_FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in map(chr, range(0x21, 0x7F))}
_TO_FULL = str.maketrans(_FULLWIDTH)
_TO_HALF = str.maketrans({"（": "(", "）": ")"})


def split_suffix(name: str) -> tuple[str, str]:
    """上海恒瑞精密机械有限公司 → (上海恒瑞精密机械, 有限公司)."""
    for suffix in ("股份有限公司", "有限公司"):
        if name.endswith(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def payer_variant(name: str, city: str, brand: str, industry_word: str, kind: str) -> str:
    """How a bank statement shows the payer ``name`` (one of the ``PAYER_KINDS``)."""
    base, suffix = split_suffix(name)
    if kind == "abbreviated":
        return base
    if kind == "brackets":
        if "（" in name:
            return name.translate(_TO_HALF)
        return f"{base.replace(city, '', 1)}({city}){suffix}"
    if kind == "fullwidth":
        if any(ord(ch) < 0x7F for ch in name):
            return name.translate(_TO_FULL)
        if "（" in name:
            return name
        return f"{base.replace(city, '', 1)}（{city}）{suffix}"
    if kind == "short":
        return f"{brand}{industry_word[:2]}"
    if kind == "parent":
        return f"{city}{brand}集团有限公司"
    if kind == "third_party":
        return f"{city}{brand[::-1]}{vocab.THIRD_PARTY_PAYER_SUFFIX}"
    return name


PAYER_KINDS = ("exact", "abbreviated", "brackets", "fullwidth", "short", "parent", "third_party")
PAYER_KIND_WEIGHTS = (0.50, 0.15, 0.08, 0.05, 0.08, 0.08, 0.06)
