"""Company-name keys and scores: the ways a bank writes a payer's name."""

from __future__ import annotations

import pytest

from salesnb.receivables.names import NameIndex, name_keys, name_score


@pytest.mark.parametrize(("a", "b"), [
    ("上海某某贸易有限公司", "上海某某贸易"),
    ("上海某某贸易有限公司", "上海某某贸易股份有限公司"),
    ("上海某某贸易有限公司", "某某（上海）贸易有限公司"),
    ("唐山和东重工股份有限公司", "和东重工(唐山)股份有限公司"),
    ("ＡＢＣ科技（深圳）有限公司", "abc科技(深圳)有限公司"),
    ("上海某某贸易集团有限公司", "上海某某贸易有限公司"),
])
def test_same_company(a, b):
    assert name_score(a, b) == 100


@pytest.mark.parametrize(("a", "b", "low", "high"), [
    ("上海市某某贸易有限公司", "上海某某贸易有限公司", 95, 99),  # 上海市 vs 上海: same core
    ("通海航空", "中山通海航空零部件股份有限公司", 90, 90),  # abbreviation
    ("郑州恒精集团有限公司", "郑州恒精金属制品有限公司", 90, 90),  # the group company
    ("上海华强贸易有限公司", "上海华盛贸易有限公司", 0, 89),  # one character apart: another company
    ("北京贸易有限公司", "上海贸易有限公司", 0, 60),  # only the trade word in common
    ("张三", "上海某某贸易有限公司", 0, 10),
])
def test_scores(a, b, low, high):
    assert low <= name_score(a, b) <= high


def test_keys_fold_width_brackets_and_legal_form():
    assert name_keys("某某（上海）贸易有限公司") == ("上海某某贸易", "某某贸易")
    assert name_keys("北京恒通物流（股份）有限公司") == ("北京恒通物流", "恒通物流")
    assert name_keys("") == ("", "") and name_keys(None) == ("", "")


def test_index_finds_customers_by_blocks_not_by_scanning():
    customers = [(f"C{n}", f"苏州{brand}精密机械有限公司") for n, brand in enumerate("甲乙丙丁戊己庚辛壬癸")]
    customers += [("X", "上海某某贸易有限公司"), ("Y", "中山通海航空零部件股份有限公司")]
    index = NameIndex(customers)
    assert index.lookup("某某(上海)贸易")[0] == ("X", 100.0)
    assert index.lookup("通海航空")[0][0] == "Y"
    assert [h.key for h in index.lookup("苏州丙精密机械")] == ["C2"]
    assert index.lookup("李四") == ()


def test_a_group_company_whose_place_is_most_of_its_name_is_in_the_block():
    # "呼和浩特方诚集团" keeps its place in the core ("方诚" alone is too short); the block still finds it.
    index = NameIndex([("C1", "呼和浩特方诚PCB电路股份有限公司"), ("C2", "呼和浩特天元机械有限公司")])
    assert index.lookup("呼和浩特方诚集团有限公司") == (("C1", 90.0),)


def test_a_block_cut_keeps_every_customer_as_close_as_the_last_one_kept():
    # 45 other 弘新 companies sort between the two 常州 ones: cutting the block by key hid the second namesake.
    fillers = [(f"C5{n:02d}", f"弘新{word}有限公司") for n, word in enumerate(
        "机械 电子 纺织 食品 化工 建材 印刷 包装 物流 塑胶 五金 照明 家具 服饰 玩具 医药 陶瓷 玻璃 钢构 模具 "
        "线缆 光电 仪表 阀门 泵业 轴承 齿轮 刀具 磨料 涂料 橡胶 纸业 木业 石材 铝业 铜业 锻造 铸造 冲压 焊接 "
        "喷涂 电镀 热处理 标准件 紧固件".split())]
    index = NameIndex([("C000", "弘新智能装备（常州）有限公司"), *fillers, ("C999", "常州弘新航空零部件有限公司")])
    assert index.lookup("常州弘新集团有限公司") == (("C000", 90.0), ("C999", 90.0))


def test_the_index_of_many_customers_stays_small():
    """200,000 customers once made a 200 MiB index (a set per one-member group, every name's keys cached)."""
    import random
    import tracemalloc

    rng = random.Random(5)
    chars = "华金达美恒精方诚宏远鑫盛泰丰瑞祥通宝源兴隆佳信"
    names = [(f"C{i:06d}", f"{rng.choice(['上海', '苏州', '郑州', '深圳'])}"
              f"{''.join(rng.choices(chars, k=4))}{rng.choice(['贸易', '机械', '电子'])}有限公司")
             for i in range(20_000)]
    name_keys.cache_clear()
    tracemalloc.start()
    try:
        index = NameIndex(names)
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert held / len(names) < 500  # bytes per customer; with sets and the cached keys it was 1,144
    assert name_keys.cache_info().currsize == 0  # building caches nothing: lookups cache what they score
    assert [hit.key for hit in index.lookup(names[7][1])][:1] == ["C000007"]
