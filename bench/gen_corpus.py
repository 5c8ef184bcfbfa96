#!/usr/bin/env python3
"""Synthetic corpus for the planpress-vs-Hugo benchmark (issue 8).

Writes, from one deterministic stream of made-up plans:

* a planpress site in DIR: ``site.yaml``, ``content/units.yaml`` (the unit
  registry) and ``content/<jurisdiction>/<slug>.md`` plan files, written the
  way real rule-of-law plans are written (numbered tasks whose units are named
  in the task's own words, in the three annotation forms of real documents);
* an equivalent Hugo site in DIR-hugo (or ``--hugo-out``): the same plans with
  the same Markdown body, front matter with ``units`` and ``topics`` taxonomies,
  a section page per jurisdiction and a minimal theme-less layout in
  ``layouts/`` (baseof, single, list, taxonomy, term).

Every plan is drawn from its own random stream seeded by ``(seed, plan
index)``, so the first 100 plans of a 1,000-plan corpus are the 100-plan
corpus. Python 3 standard library only.

    python3 bench/gen_corpus.py --plans 1000 --out /tmp/planpress-bench/1000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time

SITE_TITLE = "基准测试站点"

# ---------------------------------------------------------------------------
# Jurisdictions: made-up 某某市某某区 names, with an ASCII folder name, the
# short form used in titles and the prefix of their document numbers.
# ---------------------------------------------------------------------------

JURISDICTIONS = [
    # (full name, folder slug, district short name, doc-number prefix)
    ("青州市临江区", "qingzhou-linjiang", "临江区", "青江"),
    ("云川市东湖区", "yunchuan-donghu", "东湖区", "云湖"),
    ("安澜市西城区", "anlan-xicheng", "西城区", "安城"),
    ("长丰市南山区", "changfeng-nanshan", "南山区", "长山"),
    ("泰和市北塘区", "taihe-beitang", "北塘区", "泰塘"),
    ("宁远市白沙区", "ningyuan-baisha", "白沙区", "宁沙"),
    ("河阳市桃源区", "heyang-taoyuan", "桃源区", "河源"),
    ("临川市梅林区", "linchuan-meilin", "梅林区", "临林"),
]

# Departments of a district (区直部门). (name, aliases). The same names exist in
# every jurisdiction, as in reality; they are different units there.
DEPARTMENTS = [
    ("区委办公室", []), ("区人大常委会办公室", []), ("区政府办公室", []),
    ("区政协办公室", []), ("区纪委监委", ["区纪委监委机关"]),
    ("区委组织部〈区编办〉", []), ("区委宣传部", []), ("区委统战部", []),
    ("区委政法委", []), ("区委依法治区办", []), ("区委网信办", []),
    ("区委巡察办", []), ("区委党校", []), ("区委机要保密局", []),
    ("区委老干部局", []), ("区委社会工作部", []), ("区总工会", []),
    ("团区委", []), ("区妇联", []), ("区工商联", []), ("区残联", []),
    ("区科协", []), ("区法院", ["区人民法院"]), ("区检察院", ["区人民检察院"]),
    ("区公安分局", []), ("区司法局", []), ("区发改局", ["区发改委"]),
    ("区教育局", []), ("区科技局", []), ("区工信局", []), ("区民政局", []),
    ("区财政局", []), ("区人社局", ["区人力资源和社会保障局"]),
    ("区自然资源局", []), ("区生态环境分局", []), ("区住建局", []),
    ("区交通运输局", []), ("区水利局", []), ("区农业农村局", []),
    ("区商务局", []), ("区文旅局", ["区文化和旅游局"]),
    ("区卫健局", ["区卫生健康局"]), ("区退役军人事务局", []),
    ("区应急管理局", []), ("区审计局", []), ("区国资局", []),
    ("区市场监管局", ["区市场监督管理局"]), ("区统计局", []), ("区医保局", []),
    ("区城管局", []), ("区信访局", []), ("区行政审批局", []), ("区数据局", []),
    ("区档案局", []), ("区税务局", []), ("区人武部", []),
    ("区消防救援大队", []), ("区融媒体中心", []), ("区机关事务局", []),
    ("区林业局", []), ("区体育局", []), ("区粮食和物资储备局", []),
    ("区供销社", []), ("区征收办", []), ("区政务服务中心", []),
    ("区公共资源交易中心", []), ("区法律援助中心", []), ("区公证处", []),
    ("区人民调解委员会", []), ("区营商环境建设局", []), ("区住房保障中心", []),
    ("区不动产登记中心", []), ("区疾控中心", []), ("区金融服务中心", []),
    ("区投资促进局", []), ("区城市更新局", []), ("区民族宗教事务局", []),
    ("区气象局", []), ("区邮政管理局", []), ("区烟草专卖局", []),
]

# Collectives: never one body.
GROUPS = ["区直各部门", "区直有关部门", "各街道办事处", "各镇人民政府",
          "各街道、镇", "各单位党委(党组)"]

N_STREETS = 140  # X街道办事处
N_TOWNS = 73     # X镇人民政府   (with departments and groups: ~300 per jurisdiction)

PLACE_FIRST = ("东西南北中新上下金银玉龙凤青白红黄桃梅竹松柏兰菊荷柳杨枫桂长永安宁康平和泰丰"
               "盛兴华昌隆福寿光明清润江河湖海山岭峰石泉溪田园林桥港湾滨渡云霞翠碧锦绣春")
PLACE_SECOND = "门关街湖山桥园城坊苑港湾台岭塘沟坪洲口渡营庄林堡集店亭阳川溪泉源河浦岗峪"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
GIVEN = ["建国", "明华", "志强", "丽萍", "海涛", "卫东", "晓燕", "国庆", "红梅", "振华",
         "文杰", "秀英", "永刚", "春生", "玉兰", "德明", "立新", "慧敏", "庆丰", "学军",
         "雪莲", "宏伟", "少华", "晓东", "建军", "桂芳", "长青", "思远", "子谦", "书琴"]

# ---------------------------------------------------------------------------
# Topics and the phrase pools the text is built from.
# ---------------------------------------------------------------------------

TOPICS = {
    "法治政府": {
        "sections": ["坚持依法行政，全面建设法治政府", "依法全面履行政府职能",
                     "健全依法决策机制", "严格规范公正文明执法", "深化行政执法体制改革"],
        "objects": ["重大行政决策程序制度", "行政执法公示制度", "执法全过程记录制度",
                    "重大执法决定法制审核制度", "权力清单和责任清单制度", "行政复议体制改革",
                    "政府法律顾问制度", "行政规范性文件合法性审核机制", "行政执法与刑事司法衔接机制",
                    "行政裁量权基准制度", "综合行政执法体制改革", "行政机关负责人出庭应诉制度",
                    "行政执法人员持证上岗和资格管理制度", "罚缴分离和收支两条线管理制度"],
        "depts": ["区司法局", "区政府办公室", "区委组织部〈区编办〉", "区行政审批局", "区城管局"],
        "themes": ["关于全面推进法治政府建设的", "{y}年法治政府建设", "关于深化行政执法体制改革的",
                   "关于严格规范公正文明执法的", "法治政府建设示范创建"],
    },
    "公正司法": {
        "sections": ["深化司法体制改革，保证公正司法", "加强司法公信力建设", "完善司法权力运行机制"],
        "objects": ["司法责任制", "人民陪审员制度", "立案登记制度", "执行联动机制", "司法公开工作",
                    "案件繁简分流机制", "诉源治理机制", "涉诉信访工作", "司法救助制度",
                    "员额法官检察官管理", "公益诉讼工作", "人民监督员制度", "以审判为中心的诉讼制度改革"],
        "depts": ["区法院", "区检察院", "区公安分局", "区委政法委", "区司法局"],
        "themes": ["关于深化司法体制改革的", "关于提升司法公信力的", "{y}年政法工作"],
    },
    "法治社会": {
        "sections": ["推进多层次多领域依法治理，建设法治社会", "健全社会矛盾纠纷预防化解机制",
                     "推进基层治理法治化"],
        "objects": ["矛盾纠纷多元化解机制", "人民调解组织建设", "公共法律服务体系", "法律援助工作",
                    "基层依法治理", "村（居）法律顾问制度", "社会信用体系", "平安建设",
                    "网格化管理服务", "信访工作法治化", "民主法治示范村（社区）创建", "诉调对接机制"],
        "depts": ["区司法局", "区民政局", "区信访局", "区委政法委", "区法律援助中心", "区人民调解委员会"],
        "themes": ["关于加快推进法治社会建设的", "{y}年基层依法治理", "关于加强矛盾纠纷多元化解工作的"],
    },
    "普法": {
        "sections": ["深入开展法治宣传教育，增强全民法治观念", "落实“谁执法谁普法”普法责任制",
                     "推进法治文化建设"],
        "objects": ["“谁执法谁普法”普法责任制", "宪法宣传教育", "青少年法治教育", "法治文化阵地建设",
                    "领导干部学法用法制度", "以案释法制度", "“法律明白人”培养工程",
                    "国家工作人员学法考法", "民法典宣传", "“八五”普法规划实施", "法治宣传教育基地建设"],
        "depts": ["区司法局", "区委宣传部", "区教育局", "区融媒体中心", "团区委"],
        "themes": ["{y}年普法依法治理", "关于开展法治宣传教育的", "“八五”普法规划"],
    },
    "立法": {
        "sections": ["加强规范性文件管理，提高制度建设质量", "完善重点领域制度建设"],
        "objects": ["规范性文件备案审查", "规范性文件清理", "基层立法联系点建设", "规范性文件制定程序",
                    "公众参与制度建设", "合法性审查机制", "重点领域制度建设", "规范性文件动态目录管理"],
        "depts": ["区人大常委会办公室", "区司法局", "区政府办公室", "区委办公室"],
        "themes": ["关于加强行政规范性文件管理的", "关于加强制度建设的"],
    },
    "法治监督": {
        "sections": ["强化对权力运行的制约和监督", "加强法治督察", "健全法治监督体系"],
        "objects": ["党内监督", "人大监督", "民主监督", "审计监督", "统计监督", "行政执法监督",
                    "政务公开", "社会监督和舆论监督", "法治督察工作", "权力运行制约机制",
                    "行政执法案卷评查", "行政执法责任制"],
        "depts": ["区纪委监委", "区审计局", "区人大常委会办公室", "区政协办公室", "区司法局", "区统计局"],
        "themes": ["关于加强法治督察工作的", "关于健全权力运行制约和监督体系的"],
    },
    "法治队伍": {
        "sections": ["加强法治工作队伍建设", "提升领导干部法治思维和依法办事能力"],
        "objects": ["法治专门队伍建设", "公职律师制度", "法律服务队伍建设", "执法人员资格管理",
                    "法治人才培养", "基层法治机构建设", "领导干部述法制度", "法治工作考核评价",
                    "法治工作部门人员交流"],
        "depts": ["区委组织部〈区编办〉", "区人社局", "区司法局", "区委党校"],
        "themes": ["关于加强法治工作队伍建设的", "{y}年领导干部学法用法"],
    },
    "党的领导": {
        "sections": ["坚持党的领导，把党的领导贯彻到法治建设全过程", "健全党领导法治建设的工作机制"],
        "objects": ["党委（党组）理论学习中心组学法制度", "党政主要负责人履行推进法治建设第一责任人职责",
                    "依法治区工作机制", "法治建设年度报告制度", "法治建设考核制度", "党内法规制度建设",
                    "重大事项请示报告制度", "依法治区委员会议事规则"],
        "depts": ["区委办公室", "区委依法治区办", "区委组织部〈区编办〉", "区委宣传部"],
        "themes": ["关于加强党对全面依法治区工作领导的", "{y}年全面依法治区工作要点"],
    },
    "营商环境": {
        "sections": ["持续优化法治化营商环境", "依法平等保护各类市场主体"],
        "objects": ["市场准入负面清单制度", "公平竞争审查制度", "涉企行政执法", "包容审慎监管",
                    "“双随机、一公开”监管", "知识产权保护", "企业合规体系", "涉企收费清单制度",
                    "产权保护制度", "政务服务“一网通办”", "信用修复机制"],
        "depts": ["区营商环境建设局", "区市场监管局", "区发改局", "区商务局", "区行政审批局"],
        "themes": ["关于优化法治化营商环境的", "{y}年营商环境法治保障"],
    },
    "数字法治": {
        "sections": ["推进数字法治政府建设", "运用信息技术提升法治工作水平"],
        "objects": ["政务数据共享", "“互联网+监管”系统", "行政执法信息平台", "智慧法院建设",
                    "电子证照应用", "数字政府建设", "网络安全和数据保护", "在线调解平台", "智慧普法平台"],
        "depts": ["区数据局", "区委网信办", "区政务服务中心", "区法院"],
        "themes": ["关于推进数字法治政府建设的", "{y}年数字法治建设"],
    },
}
TOPIC_NAMES = list(TOPICS)

VERBS = ["健全", "完善", "加强", "深化", "推进", "落实", "规范", "建立", "强化", "推行",
         "严格执行", "持续开展", "全面推行", "探索建立", "积极推动", "扎实推进", "建立健全"]
LEADINS = ["按照上级统一部署", "围绕全区中心工作", "坚持问题导向", "以群众满意为标准",
           "对标先进地区经验", "结合我区实际", "坚持系统观念", "立足基层实际需要",
           "聚焦群众反映强烈的突出问题", "坚持试点先行、以点带面"]
RESULTS = ["完成相关制度的制定和修订工作", "实现全区范围全覆盖", "形成可复制可推广的经验做法",
           "建成运行顺畅的工作机制", "完成专项清理并向社会公布结果", "实现工作常态化、制度化",
           "基本建成上下贯通的工作体系", "完成年度目标任务"]
FILLERS = ["明确职责分工，细化工作措施，确保各项任务落到实处。",
           "定期开展督促检查，对工作不力的单位和个人严肃追责问责。",
           "建立工作台账，实行清单化管理、销号式推进。",
           "将落实情况纳入年度目标考核和法治建设考核。",
           "加强宣传引导，及时回应社会关切，营造良好舆论氛围。",
           "推动形成上下联动、部门协同、齐抓共管的工作格局。",
           "切实提高工作的针对性和实效性。",
           "及时总结经验，培育和推广一批典型做法。",
           "每年至少开展一次专项检查，检查结果向社会公开。",
           "强化结果运用，把考核结果作为评先评优的重要依据。",
           "加强经费保障，将所需经费纳入同级财政预算。",
           "健全信息报送制度，重要情况及时向区委、区政府报告。",
           "畅通群众监督渠道，主动接受人大监督、民主监督和社会监督。",
           "加强业务培训，提升工作人员依法履职能力和水平。"]
PRIORITIES = ["完成全区{o}情况摸底", "出台{o}实施细则", "在两个街道开展{o}试点",
              "建立{o}工作台账", "召开{o}工作推进会"]

KINDS = ["实施方案"] * 4 + ["工作方案"] * 3 + ["方案"] * 2 + ["实施意见"] * 2 + ["分工方案"]
DOC_SUFFIX = [("区委发", "中共{j}委员会"), ("政发", "{j}人民政府"),
              ("政办发", "{j}人民政府办公室"), ("治区委发", "中共{j}委全面依法治区委员会"),
              ("区委办发", "中共{j}委员会办公室")]

CN_NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]

FULL_TO_HALF = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";"})


def qualified(unit: str, jurisdiction: str) -> str:
    """A unit's name as a Hugo taxonomy term: units belong to a jurisdiction."""
    return f"{unit}（{jurisdiction}）"


class Jurisdiction:
    """A jurisdiction's unit pool and people, drawn from the seed."""

    def __init__(self, seed: int, index: int):
        self.name, self.slug, self.short, self.doc_prefix = JURISDICTIONS[index]
        rng = random.Random(f"{seed}:jurisdiction:{index}")
        names = [a + b for a in PLACE_FIRST for b in PLACE_SECOND]
        rng.shuffle(names)
        streets = [n + "街道办事处" for n in names[:N_STREETS]]
        towns = [n + "镇人民政府" for n in names[N_STREETS:N_STREETS + N_TOWNS]]
        self.departments = [d for d, _ in DEPARTMENTS]
        self.aliases = {d: a for d, a in DEPARTMENTS if a}
        self.local = streets + towns
        self.groups = list(GROUPS)
        # Departments: a few are named all the time, most now and then.
        order = self.departments[:]
        rng.shuffle(order)
        self.dept_pop = order
        self.dept_cum = _cum([1.0 / (r + 3) for r in range(len(order))])
        self.leaders = []
        while len(self.leaders) < 10:
            n = rng.choice(SURNAMES) + rng.choice(GIVEN)
            if n not in self.leaders:
                self.leaders.append(n)
        self.unit_count = len(self.departments) + len(self.local) + len(self.groups)

    def registry_yaml(self) -> str:
        q = lambda s: json.dumps(s, ensure_ascii=False)
        out = [f"- jurisdiction: {self.name}\n", "  units:\n"]
        for d in self.departments + self.local:
            out.append(f"    - name: {q(d)}\n")
            if d in self.aliases:
                out.append(f"      aliases: [{', '.join(q(a) for a in self.aliases[d])}]\n")
        out.append(f"  groups: [{', '.join(q(g) for g in self.groups)}]\n")
        return "".join(out)


def _cum(weights):
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


class PlanWriter:
    """Draws one plan from its own random stream and writes both versions."""

    def __init__(self, seed: int, index: int, jur: Jurisdiction):
        self.rng = random.Random(f"{seed}:plan:{index}")
        self.index = index
        self.j = jur

    # -- units --------------------------------------------------------------

    def pick_units(self, topic: str, n: int) -> list[str]:
        """n distinct units, the first being a plausible lead for the topic."""
        rng, j = self.rng, self.j
        chosen: list[str] = []
        if rng.random() < 0.6:
            chosen.append(rng.choice(TOPICS[topic]["depts"]))
        while len(chosen) < n:
            r = rng.random()
            if r < 0.78:
                u = rng.choices(j.dept_pop, cum_weights=j.dept_cum)[0]
            elif r < 0.93:
                u = rng.choice(j.local)
            else:
                u = rng.choice(j.groups)
            if u not in chosen:
                chosen.append(u)
        return chosen

    def written(self, units: list[str]) -> str:
        """A unit list as a document writes it, with the odd alias or typo."""
        rng = self.rng
        names = []
        for u in units:
            self.named.setdefault(u, None)
            al = self.j.aliases.get(u)
            names.append(al[0] if al and rng.random() < 0.15 else u)
        text = "、".join(names)
        if len(names) > 2 and rng.random() < 0.02:
            text = text.replace("、", "、、", 1)  # the empty item of real data
        return text

    # -- text ---------------------------------------------------------------

    def deadline(self) -> str:
        rng, y = self.rng, self.year
        r = rng.random()
        if r < 0.35:
            return f"{y + rng.randint(0, 1)}年底前"
        if r < 0.75:
            return f"{y + rng.randint(0, 1)}年{rng.randint(3, 11)}月底前"
        if r < 0.88:
            return f"从{y}年起"
        return f"到{y + rng.randint(1, 3)}年"

    def task_text(self, topic: str, with_deadline: bool) -> tuple[str, str]:
        """The measure's text (about 150 characters) and its object."""
        rng = self.rng
        objs = TOPICS[topic]["objects"]
        obj = rng.choice(objs)
        parts = [rng.choice(VERBS), obj, "。"]
        length = len(obj) + 4
        target = rng.randint(108, 158)
        if with_deadline:
            s = f"{self.deadline()}，{rng.choice(RESULTS)}。"
            parts.append(s)
            length += len(s)
        while length < target:
            r = rng.random()
            if r < 0.4:
                s = f"{rng.choice(LEADINS)}，{rng.choice(VERBS)}{rng.choice(objs)}，{rng.choice(VERBS)}{rng.choice(objs)}。"
            elif r < 0.55:
                s = f"{rng.choice(VERBS)}{rng.choice(objs)}，{rng.choice(RESULTS)}。"
            else:
                s = rng.choice(FILLERS)
            parts.append(s)
            length += len(s)
        if with_deadline and len(parts) > 4:
            # Move the deadline sentence off the front now and then.
            k = rng.randint(3, len(parts) - 1)
            parts.insert(k, parts.pop(3))
        return "".join(parts), obj

    def task(self, number: int, topic: str) -> str:
        rng = self.rng
        sep = "．" if self.num_style == 1 else "、" if self.num_style == 2 else "."
        style = self.style
        r = rng.random()
        if style != "B" and r < 0.1:
            style = "C" if style == "A" else "A"
        if r > 0.97 and not (style == "B" and not self.rule_stated):
            style = "none"
        text, obj = self.task_text(topic, with_deadline=style != "C" and rng.random() < 0.6)
        head = f"{number}{sep}{text}"
        if style == "A":
            leads = self.pick_units(topic, 1 if rng.random() < 0.6 else rng.randint(2, 4))
            label = "牵头单位" if rng.random() < 0.5 else "牵头部门"
            if len(leads) > 1 and rng.random() < 0.05:
                body = self.written(leads[:-1]) + "，及" + self.written(leads[-1:])
            else:
                body = self.written(leads)
            return f"{head}{label}：{body}。"
        if style == "B":
            units = self.written(self.pick_units(topic, rng.randint(2, 7)))
            if not self.rule_stated:
                self.rule_stated = True
                return f"{head}（责任单位：{units}。排名第一的单位为牵头单位。下同）"
            return f"{head}（责任单位：{units}）"
        if style == "C":
            units = self.pick_units(topic, rng.randint(2, 6))
            nlead = 1 if rng.random() < 0.6 else 2
            leaders = rng.sample(self.j.leaders, 1 if rng.random() < 0.7 else 2)
            ann = f"（牵头区领导：{'、'.join(leaders)}，牵头单位：{self.written(units[:nlead])}"
            if units[nlead:]:
                ann += f"，参与单位：{self.written(units[nlead:])}"
            ann += "）"
            lines = [f"{head}{ann}",
                     f"进度安排：{self.deadline()}，{rng.choice(RESULTS)}。"]
            if rng.random() < 0.25:
                lines.append("近期重点突破的工作：" + rng.choice(PRIORITIES).format(o=obj) + "。")
            return "\n".join(lines)
        return head

    # -- the plan -----------------------------------------------------------

    def build(self):
        rng, j = self.rng, self.j
        self.year = rng.randint(2018, 2025)
        self.named: dict[str, None] = {}
        self.style = rng.choice("AAABBBCC")
        self.rule_stated = False
        r = rng.random()
        self.num_style = 0 if r < 0.9 else 1 if r < 0.95 else 2
        full_width = rng.random() < 0.3

        main = rng.choice(TOPIC_NAMES)
        topics = [main]
        if rng.random() < 0.4:
            topics.append(rng.choice([t for t in TOPIC_NAMES if t != main]))
        kind = rng.choice(KINDS)
        if kind == "分工方案":
            title = f"《法治{j.short[:-1]}建设规划（{self.year}—{self.year + 4}年）》重要举措分工方案"
        else:
            theme = rng.choice(TOPICS[main]["themes"]).format(y=self.year)
            title = f"{j.short}{theme}{kind}"
        suffix, issuer = rng.choice(DOC_SUFFIX)
        doc_number = f"{j.doc_prefix}{suffix}〔{self.year}〕{rng.randint(1, 60)}号"
        month, day = rng.randint(1, 11), rng.randint(1, 28)
        signed = f"{self.year}-{month:02d}-{day:02d}"
        pday = day + rng.randint(0, 20)
        published = (f"{self.year}-{month:02d}-{pday:02d}" if pday <= 28
                     else f"{self.year}-{month + 1:02d}-{pday - 28:02d}")

        # Sections: the main topic first, then related ones.
        nsec = rng.randint(3, 6)
        sec_topics = [main] + [rng.choice(topics + TOPIC_NAMES) for _ in range(nsec - 1)]
        if rng.random() < 0.5:
            sec_topics[0] = "党的领导"
        ntasks = rng.randint(70, 90)
        cuts = sorted(rng.sample(range(1, ntasks), nsec - 1))
        counts = [b - a for a, b in zip([0] + cuts, cuts + [ntasks])]

        body = [f"为深入贯彻落实习近平法治思想和中央、省、市关于全面依法治国的决策部署，"
                f"{rng.choice(LEADINS)}，推进{main}建设，特制定本{kind}。\n"]
        number = 0
        for s, (topic, count) in enumerate(zip(sec_topics, counts)):
            body.append(f"\n## {CN_NUM[s]}、{rng.choice(TOPICS[topic]['sections'])}\n")
            if rng.random() < 0.3:
                body.append(f"\n{rng.choice(LEADINS)}，{rng.choice(FILLERS)}\n")
            if count >= 6 and rng.random() < 0.5:
                nsub = rng.randint(2, min(4, count // 3))
                subcuts = sorted(rng.sample(range(1, count), nsub - 1))
                groups = [b - a for a, b in zip([0] + subcuts, subcuts + [count])]
            else:
                groups = [count]
            for g, gcount in enumerate(groups):
                if len(groups) > 1:
                    sub = rng.choice(TOPICS[topic]["objects"])
                    body.append(f"\n### （{CN_NUM[g]}）{rng.choice(VERBS)}{sub}\n")
                for _ in range(gcount):
                    number += 1
                    body.append("\n" + self.task(number, topic) + "\n")
        text = "".join(body)
        if not full_width:
            text = text.translate(FULL_TO_HALF)

        self.meta = dict(title=title, kind=kind, jurisdiction=j.name, issuer=issuer.format(j=j.name),
                         doc_number=doc_number, date_signed=signed, date_published=published,
                         topics=topics)
        self.body = text
        self.ntasks = number
        self.slug = f"{j.slug}-{self.year}-{self.index:05d}"
        return self

    def planpress_md(self) -> str:
        m = self.meta
        return (f"---\ntitle: {m['title']}\nkind: {m['kind']}\njurisdiction: {m['jurisdiction']}\n"
                f"issuer: {m['issuer']}\ndoc_number: {m['doc_number']}\n"
                f"date_signed: {m['date_signed']}\ndate_published: {m['date_published']}\n"
                f"topics: [{', '.join(m['topics'])}]\n---\n\n{self.body}")

    def hugo_md(self) -> str:
        m = self.meta
        q = lambda s: json.dumps(s, ensure_ascii=False)
        units = ", ".join(q(qualified(u, m["jurisdiction"])) for u in self.named)
        return (f"---\ntitle: {q(m['title'])}\ndate: {m['date_published']}\n"
                f"topics: [{', '.join(q(t) for t in m['topics'])}]\nunits: [{units}]\n"
                f"params:\n  plan_kind: {m['kind']}\n  jurisdiction: {m['jurisdiction']}\n"
                f"  issuer: {m['issuer']}\n  doc_number: {q(m['doc_number'])}\n"
                f"  date_signed: {m['date_signed']}\n---\n\n{self.body}")


HUGO_TOML = f"""baseURL = "https://example.gov.cn/"
languageCode = "zh-CN"
title = "{SITE_TITLE}"
hasCJKLanguage = true
disableKinds = ["rss"]

[taxonomies]
unit = "units"
topic = "topics"
"""

HUGO_LAYOUTS = {
    "baseof.html": """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} - {{ site.Title }}</title>
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "/units/" | relURL }}">单位</a> <a href="{{ "/topics/" | relURL }}">主题</a></nav></header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer>{{ site.Title }}</footer>
</body>
</html>
""",
    "single.html": """{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<table>
<tr><th>发文机关</th><td>{{ .Params.issuer }}</td></tr>
<tr><th>发文字号</th><td>{{ .Params.doc_number }}</td></tr>
<tr><th>成文日期</th><td>{{ .Params.date_signed }}</td></tr>
<tr><th>发布日期</th><td>{{ .Date.Format "2006-01-02" }}</td></tr>
<tr><th>行政区划</th><td>{{ .Params.jurisdiction }}</td></tr>
<tr><th>文种</th><td>{{ .Params.plan_kind }}</td></tr>
<tr><th>主题</th><td>{{ range .GetTerms "topics" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</td></tr>
</table>
{{ .Content }}
<section><h2>涉及单位</h2>
<ul>{{ range .GetTerms "units" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</section>
</article>
{{ end }}
""",
    "list.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ .Params.doc_number }} {{ .Date.Format "2006-01-02" }}</li>
{{ end }}</ul>
{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> ({{ len .Pages }})</li>
{{ end }}</ul>
{{ end }}
""",
    "term.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ .Params.jurisdiction }} {{ .Params.doc_number }} {{ .Date.Format "2006-01-02" }}</li>
{{ end }}</ul>
{{ end }}
""",
}


def write(path: str, text: str) -> int:
    data = text.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def prepare(path: str, force: bool) -> None:
    if os.path.exists(path) and os.listdir(path):
        if not force:
            sys.exit(f"gen_corpus: {path} exists and is not empty (use --force to replace it)")
        shutil.rmtree(path)
    os.makedirs(path, exist_ok=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plans", type=int, required=True, help="number of plans (N)")
    ap.add_argument("--out", required=True, help="planpress site folder to write")
    ap.add_argument("--hugo-out", help="Hugo site folder (default: OUT-hugo)")
    ap.add_argument("--seed", type=int, default=8, help="random seed (default 8)")
    ap.add_argument("--jurisdictions", type=int, default=len(JURISDICTIONS),
                    help=f"how many jurisdictions (1-{len(JURISDICTIONS)}, default all)")
    ap.add_argument("--force", action="store_true", help="replace existing output folders")
    args = ap.parse_args()
    if not 1 <= args.jurisdictions <= len(JURISDICTIONS):
        ap.error(f"--jurisdictions must be 1-{len(JURISDICTIONS)}")
    out = args.out.rstrip("/")
    hugo = (args.hugo_out or out + "-hugo").rstrip("/")
    started = time.monotonic()

    prepare(out, args.force)
    prepare(hugo, args.force)
    jurs = [Jurisdiction(args.seed, i) for i in range(args.jurisdictions)]

    pp_bytes = write(os.path.join(out, "site.yaml"), f"title: {SITE_TITLE}\n")
    os.makedirs(os.path.join(out, "content"))
    pp_bytes += write(os.path.join(out, "content", "units.yaml"),
                      "".join(j.registry_yaml() for j in jurs))
    hugo_bytes = write(os.path.join(hugo, "hugo.toml"), HUGO_TOML)
    os.makedirs(os.path.join(hugo, "layouts"))
    for name, text in HUGO_LAYOUTS.items():
        hugo_bytes += write(os.path.join(hugo, "layouts", name), text)
    for taxonomy, title in (("units", "单位"), ("topics", "主题")):
        os.makedirs(os.path.join(hugo, "content", taxonomy))
        hugo_bytes += write(os.path.join(hugo, "content", taxonomy, "_index.md"),
                            f"---\ntitle: {title}\n---\n")
    for j in jurs:
        os.makedirs(os.path.join(out, "content", j.slug))
        os.makedirs(os.path.join(hugo, "content", j.slug))
        hugo_bytes += write(os.path.join(hugo, "content", j.slug, "_index.md"),
                            f"---\ntitle: {j.name}\n---\n")

    tasks = mentions = chars = 0
    used: set[tuple[str, str]] = set()
    topics_used: set[str] = set()
    for i in range(args.plans):
        j = jurs[i % len(jurs)]
        p = PlanWriter(args.seed, i, j).build()
        tasks += p.ntasks
        chars += len(p.body)
        mentions += len(p.named)
        used.update((j.name, u) for u in p.named)
        topics_used.update(p.meta["topics"])
        name = p.slug + ".md"
        pp_bytes += write(os.path.join(out, "content", j.slug, name), p.planpress_md())
        hugo_bytes += write(os.path.join(hugo, "content", j.slug, name), p.hugo_md())

    stats = {
        "seed": args.seed, "plans": args.plans, "jurisdictions": len(jurs),
        "tasks": tasks, "registered_units": sum(j.unit_count for j in jurs),
        "units_named": len(used), "plan_unit_pairs": mentions,
        "topics_used": len(topics_used), "body_chars": chars,
        "planpress_bytes": pp_bytes, "hugo_bytes": hugo_bytes,
    }
    # Outside content/: lets run.sh tell a finished corpus from a half-written one.
    marker = json.dumps(stats, ensure_ascii=False) + "\n"
    write(os.path.join(out, ".corpus.json"), marker)
    write(os.path.join(hugo, ".corpus.json"), marker)
    print(f"gen_corpus: {args.plans} plans, {tasks} tasks, {len(used)} units named "
          f"({stats['registered_units']} registered), planpress {pp_bytes / 2**20:.1f} MiB in {out}, "
          f"Hugo {hugo_bytes / 2**20:.1f} MiB in {hugo}, {time.monotonic() - started:.1f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
