"""Word lists the demo data is built from: places, names, industries, products, carriers.

Plain data, no logic.  Everything here is fictitious; e-mail addresses use the
reserved ``example.com`` domain.
"""

from __future__ import annotations

REGIONS = ("华东", "华南", "华北", "华中", "西南", "西北", "东北")
REGION_WEIGHTS = (0.34, 0.20, 0.15, 0.11, 0.10, 0.05, 0.05)

CITIES = {
    "华东": ("上海", "苏州", "杭州", "南京", "宁波", "无锡", "常州", "合肥", "济南", "青岛", "温州",
             "嘉兴", "绍兴", "台州", "南通", "福州", "厦门", "泉州"),
    "华南": ("广州", "深圳", "东莞", "佛山", "珠海", "中山", "惠州", "南宁", "柳州", "海口"),
    "华北": ("北京", "天津", "石家庄", "唐山", "保定", "太原", "廊坊", "呼和浩特"),
    "华中": ("武汉", "长沙", "郑州", "南昌", "洛阳", "株洲", "襄阳", "宜昌"),
    "西南": ("成都", "重庆", "昆明", "贵阳", "绵阳", "德阳"),
    "西北": ("西安", "兰州", "银川", "乌鲁木齐", "宝鸡", "西宁"),
    "东北": ("沈阳", "大连", "长春", "哈尔滨", "鞍山", "吉林"),
}

# Characters that two-character brand names (字号) are made of.
BRAND_CHARS = (
    "恒瑞华盛鑫泰宏达兴隆嘉诚新锐精工中天宇飞凯博远创联合信德永利金科明光通汇正威海力"
    "东方瑞丰安顺佳美万源祥和宝康晟捷迅昌弘志荣晶诺腾跃"
)

# Industry word in the company name → the customer's industry.
INDUSTRY_WORDS = (
    ("精密机械", "机械制造"), ("机械设备", "机械制造"), ("重工", "机械制造"), ("机电", "机械制造"),
    ("汽车零部件", "汽车零部件"), ("汽车配件", "汽车零部件"),
    ("电子科技", "电子电气"), ("电气", "电子电气"), ("LED照明", "电子电气"), ("PCB电路", "电子电气"),
    ("模具", "模具制造"), ("五金制品", "五金加工"), ("金属制品", "金属加工"), ("钣金", "金属加工"),
    ("新能源科技", "新能源"), ("光伏科技", "新能源"),
    ("智能装备", "智能装备"), ("自动化设备", "智能装备"), ("3D打印科技", "智能装备"),
    ("医疗器械", "医疗器械"), ("家具", "家具制造"), ("包装机械", "包装"),
    ("工程机械", "工程机械"), ("航空零部件", "航空航天"), ("船舶配件", "船舶"),
)

COMPANY_SUFFIXES = ("有限公司", "股份有限公司")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯俊帆琳雪梅"
    "晨阳博欣怡婷佳瑶子涵睿泽宁昊然思远海峰东林波晓燕飞云亮"
)

# Pinyin of every character above (for WeCom-style account ids).
PINYIN = dict(
    (word[0], word[1:]) for word in (
        "丁ding 东dong 丽li 于yu 云yun 亮liang 付fu 任ren 伟wei 何he 余yu 佳jia 侯hou 俊jun 兰lan 军jun 冯feng 凯kai 刘liu 刚gang "
        "勇yong 华hua 博bo 卢lu 史shi 叶ye 吕lv 吴wu 周zhou 唐tang 国guo 夏xia 姚yao 姜jiang 娜na 娟juan 婷ting 子zi 孙sun 孟meng "
        "宁ning 宇yu 宋song 尹yin 峰feng 崔cui 帆fan 平ping 廖liao 建jian 张zhang 强qiang 彭peng 徐xu 志zhi 思si 怡yi 敏min "
        "文wen 斌bin 方fang 昊hao 明ming 晓xiao 晨chen 曹cao 曾zeng 朱zhu 李li 杜du 杨yang 杰jie 林lin 桂gui 梁liang 梅mei 欣xin "
        "段duan 毛mao 江jiang 汪wang 沈shen 波bo 泽ze 洋yang 浩hao 海hai 涛tao 涵han 潘pan 然ran 熊xiong 燕yan 玉yu 王wang 琳lin "
        "瑶yao 田tian 白bai 睿rui 石shi 磊lei 秀xiu 秦qin 程cheng 红hong 罗luo 肖xiao 胡hu 艳yan 芳fang 苏su 英ying 范fan 萍ping "
        "董dong 蒋jiang 蔡cai 薛xue 袁yuan 许xu 谢xie 谭tan 贺he 贾jia 赵zhao 超chao 辉hui 远yuan 邓deng 邱qiu 邵shao 邹zou "
        "郑zheng 郝hao 郭guo 金jin 钟zhong 闫yan 阳yang 陆lu 陈chen 陶tao 雪xue 雷lei 霞xia 静jing 韦wei 韩han 顾gu 飞fei 马ma "
        "高gao 魏wei 鹏peng 黄huang 黎li 龙long 龚gong "
    ).split()
)

# name, unit price range (yuan), quantity choices, production days range, daily capacity, weight
PRODUCT_LINES = (
    ("数控机床", (180_000, 1_200_000), (1, 1, 1, 2, 2, 3, 4, 5, 6), (8, 25), 6, 0.28),
    ("激光切割机", (260_000, 1_500_000), (1, 1, 1, 2, 2, 3, 4), (6, 20), 4, 0.20),
    ("工业机器人", (120_000, 480_000), (1, 2, 2, 3, 4, 6, 8, 10, 12), (5, 15), 20, 0.22),
    ("伺服电机", (1_200, 18_000), (10, 20, 30, 50, 80, 100, 150, 200, 300), (2, 7), 400, 0.22),
    ("自动化产线", (800_000, 5_000_000), (1, 1, 1, 1, 2), (20, 45), 2, 0.08),
)

# Transit days from the factory (苏州, 华东) by destination region, and the carriers' offsets.
BASE_TRANSIT = {"华东": 1, "华南": 2, "华北": 2, "华中": 2, "西南": 3, "西北": 4, "东北": 3}
CARRIERS = (
    # name, transit offset, daily capacity, tracking prefix, digits
    ("顺丰", 0, 40, "SF", 13),
    ("德邦", 1, 60, "DPK", 12),
    ("中通快运", 1, 80, "ZTO", 12),
    ("京东物流", 0, 50, "JDVC", 11),
    ("安能物流", 2, 100, "AN", 12),
)
MISSING_LANES = (("京东物流", "西北"), ("安能物流", "东北"))

LEAD_SOURCES = ("展会", "官网询盘", "老客户转介绍", "阿里巴巴", "百度推广", "电话营销", "招标网")
LEAD_SOURCE_WEIGHTS = (0.18, 0.22, 0.2, 0.1, 0.12, 0.08, 0.1)
PURCHASE_FREQS = (0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0)

CHANNELS = ("电话", "微信", "邮件", "现场拜访", "视频会议")

QUESTIONS = {
    "数控机床": (
        "主轴最高转速能到多少？", "定位精度和重复定位精度是多少？", "能否配发那科系统？",
        "刀库容量有几种可选？", "加工铝合金壳体的节拍大概多少？", "设备对地基有什么要求？",
    ),
    "激光切割机": (
        "切割20mm碳钢的速度是多少？", "光源是国产还是进口？", "切不锈钢需要什么辅助气体？",
        "交换工作台的时间多少秒？", "能否提供打样切割视频？", "整机功耗大概多少？",
    ),
    "工业机器人": (
        "负载和臂展有哪些型号？", "焊接工作站能否做交钥匙方案？", "重复定位精度是多少？",
        "能和我们现有PLC通讯吗？", "示教器是否支持中文？", "维保周期多久一次？",
    ),
    "伺服电机": (
        "额定扭矩和峰值扭矩分别多少？", "编码器是多少位的？", "能否替换某进口品牌同规格？",
        "驱动器支持EtherCAT吗？", "批量采购的交期多久？", "防护等级能到IP65吗？",
    ),
    "自动化产线": (
        "产线节拍能否做到30秒一件？", "需要多大场地？", "能否与MES系统对接？",
        "安装调试周期多长？", "是否提供操作培训？", "产线能否预留扩展工位？",
    ),
}
MATERIALS = {
    "数控机床": ("产品彩页", "技术参数表", "加工样件检测报告", "同行业案例", "地基图"),
    "激光切割机": ("产品彩页", "切割参数表", "打样视频", "同行业案例", "能耗说明"),
    "工业机器人": ("产品彩页", "选型手册", "工作站方案PPT", "通讯协议说明", "维保手册"),
    "伺服电机": ("选型手册", "扭矩曲线图", "替换对照表", "接线说明", "认证证书"),
    "自动化产线": ("整线方案书", "布局图", "节拍仿真报告", "同行业案例", "培训计划"),
}
ENGINEER_COUNT = 4  # technical support engineers per product line

OUTGOING_MEMOS = ("支付材料款", "工资", "运费", "电费", "社保", "设备维修费", "房租")
INCOMING_NOISE_MEMOS = ("利息", "退税", "保证金退回", "往来款", "退款")
CUSTOMER_MEMOS_GENERIC = ("货款", "设备款", "付货款", "付款", "转账", "往来款", "")
SUPPLIERS = (
    "江苏永钢特钢有限公司", "上海申通物流有限公司", "国网江苏省电力有限公司苏州供电分公司",
    "苏州工业园区社会保险基金管理中心", "昆山华东钣金加工厂", "无锡新区电气配件商行",
)
THIRD_PARTY_PAYER_SUFFIX = "供应链管理有限公司"
