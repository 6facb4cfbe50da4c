"""The project's own additions to the researched instruments: decisions, advice wording, translations.

Everything here is the station's, not the instrument authors': band advice ("what to do"), the safety
message, cut-off decisions with their reasons, and Chinese texts for items that have no validated
Chinese wording (each such text is marked ``unvalidated project translation`` in the data and report).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Tr = dict[str, str | None]


def _t(en: str | None, zh: str | None) -> Tr:
    return {"en": en, "zh": zh}


UNVALIDATED = "unvalidated project translation"
REFER_2W = ("Please talk to the community doctor about these answers within the next two weeks.",
            "请在两周内就这些回答与社区医生谈一谈。")

PHQ9_ITEM9 = {
    "id": "phq9-item9", "item": "/44260-8", "min_score": 1, "urgent": True,
    "code": "self_harm_thoughts",
    "message": _t("You said you have had thoughts that you would be better off dead, or of hurting yourself. You are "
                  "not alone and help is available now. Please speak to the staff at the desk before you leave. "
                  "You can call the psychological assistance hotline 12356 at any time. If you are in danger now, "
                  "call 120 or 110.",
                  "您提到曾有不如死掉或用某种方式伤害自己的念头。您并不孤单，现在就可以得到帮助。离开前请和服务台的"
                  "工作人员谈一谈。您可以随时拨打心理援助热线12356。如果现在有危险，请拨打120或110。"),
    "doctor_message": _t("PHQ-9 item 9 (thoughts of death or self-harm) answered above 'Not at all': assess "
                         "suicide risk today.", "PHQ-9第9题（死亡或自伤念头）回答高于“完全不会”：请今天评估自杀风险。"),
    "basis": "PHQ instruction manual: any answer above 'Not at all' to item 9 needs assessment of suicide risk by "
             "someone competent, whatever the total. Hotline numbers from the research file (12356 national "
             "psychological assistance hotline; 110/120): confirm locally before release.",
}

PHQ_GAD: dict[str, dict[str, Any]] = {
    "phq9": {
        "total_display": "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
        "band_codes": ["minimal", "mild", "moderate", "moderately_severe", "severe"],
        "advice": {
            "minimal": ("Nothing to do now. If you feel low for more than two weeks, tell your doctor.",
                        "目前无需处理。如情绪低落持续两周以上，请告诉医生。"),
            "mild": ("Stay active and keep in touch with family and friends. Answer these questions again at your "
                     "next visit.", "保持活动，多和家人朋友联系。下次来时再做一次这个问卷。"),
            "moderate": REFER_2W,
            "moderately_severe": ("Please see the community doctor this week about these answers.",
                                  "请在本周内就这些回答去看社区医生。"),
            "severe": ("Please see a doctor as soon as you can. This result goes to the community doctor.",
                       "请尽快去看医生。这个结果会送给社区医生。"),
        },
        "decisions": ["Doctor flag from a total of 10 (Kroenke 2001, the usual screen-positive point). Totals 7-9 "
                      "are shown to the doctor as 'watch' (Wang 2014 recommends 7 for the Chinese PHQ-9 in "
                      "Shanghai community residents): the doctor sees both cut-offs, the resident sees the bands.",
                      "All 9 items are required: a partial PHQ-9 is not scored (no prorating).",
                      "The difficulty item (69722-7) is not asked: its Chinese wording was not verified."],
        "watch": {"min": 7, "max": 9, "label": _t("Watch: 7-9 (Chinese community cut-off, Wang 2014)",
                                                   "关注：7-9分（中国社区人群界值，Wang 2014）")},
        "safety_rules": [PHQ9_ITEM9],
        "worked_examples": [
            {"name": "all 'Several days'", "answers": "all:LA6569-3",
             "expected": {"total": 9, "band": "mild", "urgent": ["phq9-item9"]}},
            {"name": "item 9 only, 'Several days'", "answers": {"/44260-8": "LA6569-3"}, "default": "LA6568-5",
             "expected": {"total": 1, "band": "minimal", "urgent": ["phq9-item9"]}},
        ],
    },
    "phq2": {
        "total_display": "Patient Health Questionnaire 2 item (PHQ-2) total score [Reported]",
        "band_codes": ["negative", "positive"],
        "advice": {"negative": ("Nothing to do now. This short check does not ask about self-harm.",
                                "目前无需处理。这个简短问卷不包括自我伤害的问题。"),
                   "positive": ("Please answer the longer PHQ-9 questionnaire, and talk to the community doctor.",
                                "请继续完成较长的PHQ-9问卷，并与社区医生谈一谈。")},
        "notes": ["PHQ-2 does not ask about self-harm; the report says so (research file safety rule phq2-no-item9)."],
        "worked_examples": [{"name": "both 'More than half the days'", "answers": "all:LA6570-1",
                             "expected": {"total": 4, "band": "positive"}}],
    },
    "gad7": {
        "total_display": "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
        "band_codes": ["minimal", "mild", "moderate", "severe"],
        "advice": {"minimal": ("Nothing to do now.", "目前无需处理。"),
                   "mild": ("Try regular activity and relaxation; answer again at your next visit.",
                            "保持规律运动、学会放松；下次来时再做一次。"),
                   "moderate": REFER_2W,
                   "severe": ("Please see the community doctor this week about these answers.",
                              "请在本周内就这些回答去看社区医生。")},
        "decisions": ["LA6570-1 is used for score 2 on every item (LOINC's 69737-5 form carries LA18938-3 on "
                      "item 68509-9); the score is the same.",
                      "The Chinese option labels follow the PHQ-9 set (完全不会/好几天/一半以上的天数/几乎每天); the "
                      "research left the GAD-7 option labels unresolved between two sets."],
        "worked_examples": [{"name": "all 'Nearly every day'", "answers": "all:LA6571-9",
                             "expected": {"total": 21, "band": "severe"}}],
    },
    "gad2": {
        "total_display": "",
        "band_codes": ["negative", "positive"],
        "advice": {"negative": ("Nothing to do now.", "目前无需处理。"),
                   "positive": ("Please answer the longer GAD-7 questionnaire, and talk to the community doctor.",
                                "请继续完成较长的GAD-7问卷，并与社区医生谈一谈。")},
        "notes": ["No LOINC code for the GAD-2 total was verified: its Observation uses the station code system."],
        "worked_examples": [{"name": "both 'Several days'", "answers": "all:LA6569-3",
                             "expected": {"total": 2, "band": "negative"}}],
    },
}

STEADI_ZH = ["过去一年里我跌倒过。", "我使用手杖或助行器，或者有人建议我使用，以便安全行走。",
             "我走路时有时会感到不稳。", "在家里走动时，我要扶着家具来稳住身体。", "我担心会跌倒。",
             "从椅子上站起来时，我需要用手撑一下。", "我迈上马路边的台阶有些困难。", "我经常需要急着去厕所。",
             "我的脚失去了一些知觉。", "我服用的药物有时会让我感到头晕或比平时更疲倦。",
             "我服用帮助睡眠或改善情绪的药物。", "我经常感到悲伤或抑郁。"]


def steadi(src: dict[str, Any], common: Callable[..., dict[str, Any]], bands: Callable[..., Any]) -> dict[str, Any]:
    items = []
    for it, zh in zip(src["items"], STEADI_ZH, strict=True):
        opts = [{"code": o["code"], "score": o["score"], "text": _t(o["text_en"], "是" if o["code"] == "Y" else "否")}
                for o in it["options"]]
        items.append({"linkId": it["linkId"], "number": it["number"], "code": None, "type": "choice",
                      "required": True, "text": _t(it["text_en"], zh), "text_status": {"zh": UNVALIDATED},
                      "answerOption": opts})
    d = common(src)
    d["title"] = _t(src["title_en"], "STEADI“保持独立”跌倒风险自查（12项）")
    d.update(code=[], instructions=_t(src["instructions"]["en"], "请对下面每一句话回答“是”或“否”。"),
             language_status={"en": "official (CDC 2017 brochure)",
                              "zh": UNVALIDATED + ": no official or validated Chinese version was found"},
             ages={"min": 60, "max": None}, items=items,
             scoring={"method": "sum", "range": src["scoring"]["range"], "total_code": None,
                      "bands": bands(src, {"below": ("Keep active and tell your doctor if you fall.",
                                                     "保持活动；如果跌倒，请告诉医生。"),
                                           "at_risk": ("Talk to your doctor about your risk of falling. Balance and "
                                                       "strength exercises lower it.",
                                                       "请与医生谈谈您的跌倒风险。平衡和力量练习可以降低风险。")},
                                     ["below", "at_risk"]),
                      "basis": " ".join(src["cutoff_notes"]), "decisions": [
                          "A 'Yes' to item 1 (a fall in the past year) raises the fall-risk flag even below 4 points: "
                          "the CDC STEADI algorithm treats a prior fall as screen-positive."]},
             station_flags=[{"flag": "fall_risk", "when": {"total_at_least": 4},
                             "basis": "CDC STEADI Stay Independent brochure: 4 points or more (Rubenstein 2011)"},
                            {"flag": "fall_risk", "when": {"item": "steadi-1", "answer": "Y"},
                             "basis": "CDC STEADI algorithm: a fall in the past year is screen-positive"}],
             worked_examples=[{"name": "items 1 and 2 yes", "answers": {"steadi-1": "Y", "steadi-2": "Y"},
                               "default": "N", "expected": {"total": 4, "band": "at_risk"}},
                              {"name": "items 3-5 yes", "answers": {"steadi-3": "Y", "steadi-4": "Y", "steadi-5": "Y"},
                               "default": "N", "expected": {"total": 3, "band": "below"}}])
    return d


SARC_ZH = {"sarcf-S": ("举起并搬运10磅（约4.5公斤）重物，您有多大困难？", ["没有困难", "有些困难", "很困难或不能完成"]),
           "sarcf-A": ("走过一个房间，您有多大困难？", ["没有困难", "有些困难", "很困难、需要辅助器具或不能完成"]),
           "sarcf-R": ("从椅子或床上起身，您有多大困难？", ["没有困难", "有些困难", "很困难或没有帮助就不能完成"]),
           "sarcf-C": ("爬一段10级台阶，您有多大困难？", ["没有困难", "有些困难", "很困难或不能完成"]),
           "sarcf-F": ("过去一年里您跌倒过几次？", ["没有", "1-3次", "4次或以上"])}


def sarc_f(src: dict[str, Any], common: Callable[..., dict[str, Any]], bands: Callable[..., Any]) -> dict[str, Any]:
    items = []
    for n, it in enumerate(src["items"], 1):
        zh, ozh = SARC_ZH[it["linkId"]]
        items.append({"linkId": it["linkId"], "number": n, "code": None, "type": "choice", "required": True,
                      "component": it["component"], "text": _t(it["text_en"], zh), "text_status": {"zh": UNVALIDATED},
                      "answerOption": [{"code": str(o["score"]), "score": o["score"], "text": _t(o["text_en"], z)}
                                       for o, z in zip(it["options"], ozh, strict=True)]})
    d = common(src)
    d["title"] = _t("SARC-F sarcopenia screen", "SARC-F 肌少症筛查问卷")
    d.update(code=[], instructions=_t("Please answer each question about how things are for you now.",
                                      "请根据您目前的情况回答每个问题。"),
             language_status={"en": "official (SLU Rapid Geriatric Assessment form)",
                              "zh": UNVALIDATED + " (the circulating web table mistranslates item C and uses >4)"},
             ages={"min": 60, "max": None}, items=items,
             scoring={"method": "sum", "range": src["scoring"]["range"], "total_code": None,
                      "bands": bands(src, {"below": ("Keep your muscles strong with regular activity.",
                                                     "坚持规律运动，保持肌肉力量。"),
                                           "positive": ("Have your grip strength and chair-stand tested; strength "
                                                        "training is advised. The doctor will review this.",
                                                        "请测握力和椅子坐站；建议进行力量训练。医生会查看这个结果。")},
                                     ["below", "positive"]),
                      "basis": "SARC-F >= 4 (Malmstrom 2016; AWGS 2019 case-finding).",
                      "decisions": ["SARC-CalF is not offered: calf circumference needs staff with a tape measure.",
                                    "A positive SARC-F raises the station flag 'sarcopenia_risk' (AWGS 2019 case-"
                                    "finding), not 'possible_sarcopenia', which AWGS reserves for low grip or a slow "
                                    "chair stand."]},
             station_flags=[{"flag": "sarcopenia_risk", "when": {"total_at_least": 4},
                             "basis": "AWGS 2019 case-finding: SARC-F >= 4 -> assess muscle strength and performance"}],
             worked_examples=[{"name": "some difficulty in S, A, R, C", "answers": "all:1",
                               "overrides": {"sarcf-F": "0"}, "expected": {"total": 4, "band": "positive"}}])
    return d


def frail(src: dict[str, Any], common: Callable[..., dict[str, Any]], bands: Callable[..., Any]) -> dict[str, Any]:
    it = {i["linkId"]: i for i in src["items"]}
    yn = [{"code": "Y", "score": 1, "text": _t("Yes", "是")}, {"code": "N", "score": 0, "text": _t("No", "否")}]
    fatigue = [("all", 1, "All of the time", "所有时间"), ("most", 1, "Most of the time", "大部分时间"),
               ("some", 0, "Some of the time", "有时"), ("little", 0, "A little of the time", "偶尔"),
               ("none", 0, "None of the time", "从来没有")]
    items = [
        {"linkId": "frail-F", "number": 1, "component": "Fatigue", "text": _t(it["frail-F"]["text_en"],
                                                                            "过去4周内，您有多少时间感到疲乏？"),
         "text_status": {"zh": UNVALIDATED + " of the 2012 item (consensus wording: " + it["frail-F"]["text_zh"]
                         + ")"},
         "answerOption": [{"code": c, "score": s, "text": _t(en, zh)} for c, s, en, zh in fatigue]},
        {"linkId": "frail-R", "number": 2, "component": "Resistance", "text": _t(it["frail-R"]["text_en"],
                                                                               it["frail-R"]["text_zh"]),
         "answerOption": yn},
        {"linkId": "frail-A", "number": 3, "component": "Ambulation", "text": _t(it["frail-A"]["text_en"],
                                                                               it["frail-A"]["text_zh"]),
         "answerOption": yn},
        {"linkId": "frail-I", "number": 4, "component": "Illnesses",
         "text": _t("Has a doctor ever told you that you have 5 or more of these illnesses: hypertension, diabetes, "
                    "cancer (other than a minor skin cancer), chronic lung disease, heart attack, congestive heart "
                    "failure, angina, asthma, arthritis, stroke, kidney disease?", it["frail-I"]["text_zh"]),
         "text_status": {"en": "kiosk rendering of the 2012 11-illness checklist as one yes/no question (5-11 "
                               "illnesses score 1), matching the Chinese consensus item"},
         "answerOption": yn},
        {"linkId": "frail-L", "number": 5, "component": "Loss of weight",
         "text": _t("Have you lost more than 5% of your weight in the last year?", it["frail-L"]["text_zh"]),
         "text_status": {"en": "SLU RGA short-form question with the window set to one year (the form says 6 "
                               "months)"},
         "answerOption": yn},
    ]
    for i in items:
        i.update(code=None, type="choice", required=True)
    d = common(src)
    d["title"] = _t("FRAIL scale", "FRAIL 衰弱筛查量表")
    d.update(code=[], instructions=_t("Please answer each question about yourself.",
                                      "请根据您自己的情况回答每个问题。"),
             language_status={"en": "official (Morley 2012; SLU RGA form)",
                              "zh": "Chinese expert-consensus wording (2017) for items R, A, I, L; item F is an "
                                    + UNVALIDATED},
             ages={"min": 60, "max": None}, items=items,
             scoring={"method": "sum", "range": [0, 5], "total_code": None,
                      "bands": bands(src, {"robust": ("Keep active to stay strong.", "保持活动，保持强健。"),
                                           "pre_frail": ("Regular strength and balance exercise and good meals help "
                                                         "prevent frailty.",
                                                         "规律的力量和平衡练习、营养均衡有助于预防衰弱。"),
                                           "frail": ("Please see the community doctor about frailty; exercise and "
                                                     "nutrition advice can help.",
                                                     "请就衰弱问题去看社区医生；运动和营养指导会有帮助。")},
                                     ["robust", "pre_frail", "frail"]),
                      "basis": "Morley, Malmstrom & Miller 2012: 0 robust, 1-2 pre-frail, 3-5 frail.",
                      "decisions": ["Weight-loss window: one year (2012 paper and the Chinese consensus), not the "
                                    "6 months of the SLU RGA form, so both languages ask the same.",
                                    "Illnesses: asked as one yes/no (5 or more), like the Chinese consensus item."]},
             station_flags=[{"flag": "frailty", "when": {"band": "frail"},
                             "basis": "FRAIL scale 3-5 = frail (Morley, Malmstrom & Miller 2012)"}],
             worked_examples=[{"name": "fatigued most of the time and 5+ illnesses", "answers":
                               {"frail-F": "most", "frail-I": "Y"}, "default": "N",
                               "overrides": {}, "expected": {"total": 2, "band": "pre_frail"}}])
    return d


IPAQ_ZH = {
    "ipaq-1": ("最近7天内，您有几天做了剧烈的体育活动，像是提重物、挖掘、有氧运动或是快速骑车？",
               "请回想最近7天内您做过的所有剧烈活动。剧烈活动是指需要花大力气、让您呼吸比平时急促得多的活动。"
               "只算每次至少持续10分钟的活动。"),
    "ipaq-2": ("在这其中一天您通常会花多少时间在剧烈的体育活动上？", None),
    "ipaq-3": ("最近7天内，您有几天做了适度的体育活动，像是提轻的物品、以平常的速度骑车或打网球双打？请不要包括步行。",
               "请回想最近7天内您做过的所有中等强度活动。中等强度活动是指需要花一些力气、让您呼吸比平时稍快的活动。"
               "只算每次至少持续10分钟的活动。"),
    "ipaq-4": ("在这其中一天您通常会花多少时间在适度的体育活动上？", None),
    "ipaq-5": ("最近7天内，您有几天是步行，且一次步行至少10分钟？",
               "请回想最近7天内您步行的时间，包括上班和在家时、从一处走到另一处，以及为娱乐、运动或休闲而步行。"),
    "ipaq-6": ("在这其中一天您通常花多少时间在步行上？", None),
    "ipaq-7": ("最近七天内，工作日您有多久时间是坐着的？",
               "最后一个问题是关于最近7天内工作日您坐着的时间，包括工作、在家、学习和休闲时坐着的时间，"
               "例如坐在桌前、探访朋友、看书，或坐着、躺着看电视。"),
}
IPAQ_ENABLE = {"ipaq-2": "ipaq-1", "ipaq-4": "ipaq-3", "ipaq-6": "ipaq-5"}


def ipaq(src: dict[str, Any], common: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    items = []
    for it in src["items"]:
        link = it["linkId"]
        zh, pre_zh = IPAQ_ZH[link]
        days = it["domain"].endswith("_days")
        item: dict[str, Any] = {
            "linkId": link, "number": it["number"], "code": None, "type": "integer", "required": True,
            "domain": it["domain"], "text": _t(it["text_en"], zh),
            "text_status": {"zh": ("project completion of an incomplete unvalidated copy" if link == "ipaq-3"
                                   else "unvalidated copy (360docs.net), not the validated Chinese IPAQ")},
            "unit": "d" if days else "min", "min": 0, "max": 7 if days else 1440,
            "dont_know": not days,
        }
        if "preamble_en" in it:
            item["preamble"] = _t(it["preamble_en"], pre_zh)
        if link in IPAQ_ENABLE:
            item["enableWhen"] = [{"question": IPAQ_ENABLE[link], "operator": ">", "answerInteger": 0}]
        items.append(item)
    s = src["scoring"]
    d = common(src)
    d.update(code=[], instructions=_t(src["intro_en"], "我们想了解人们在日常生活中进行的各种体力活动。下面的问题是关于"
                                                       "您最近7天内进行体力活动的时间。"),
             language_status={"en": "official (Aug 2002 short self-administered form); preambles and intro not "
                                    "cross-checked word for word",
                              "zh": UNVALIDATED + " based on one unvalidated circulating copy"},
             ages={"min": 15, "max": 69}, items=items,
             scoring={"method": "ipaq_sf", "protocol": s["protocol"], "steps": s["steps"], "total_code": None,
                      "range": [0, 3 * 7 * 180 * 8.0],
                      "met": {"walking": 3.3, "moderate": 4.0, "vigorous": 8.0},
                      "min_bout_min": 10, "truncate_min": 180, "exclude_over_min": 960,
                      "categories": {"high": {"vigorous_days": 3, "vigorous_total_met": 1500, "any_days": 7,
                                              "any_total_met": 3000},
                                     "moderate": {"vigorous_days": 3, "vigorous_min": 20, "moderate_walk_days": 5,
                                                  "moderate_walk_min": 30, "any_days": 5, "any_total_met": 600}},
                      "bands": [
                          {"code": "low", "label": _t("Low physical activity", "低体力活动水平"),
                           "advice": _t("Build up slowly to 150 minutes a week of moderate activity, such as brisk "
                                        "walking.", "逐步增加到每周150分钟中等强度活动，例如快走。"),
                           "doctor_flag": False},
                          {"code": "moderate", "label": _t("Moderate physical activity", "中等体力活动水平"),
                           "advice": _t("Keep it up, and add muscle-strengthening on 2 days a week.",
                                        "继续保持，并每周加做2天肌肉力量练习。"), "doctor_flag": False},
                          {"code": "high", "label": _t("High physical activity", "高体力活动水平"),
                           "advice": _t("Well done: keep it up.", "很好，请继续保持。"), "doctor_flag": False}],
                      "basis": s["protocol"],
                      "decisions": ["Offered only to ages 15-69: the 2005 Guidelines do not recommend it for older "
                                    "people and Heesch 2010 found frequent misunderstandings at 65-89.",
                                    "'Days of any combination' adds the day counts of the three intensities "
                                    "(the research file's reading of the Guidelines).",
                                    "A 'don't know' or a case over 960 min/day is excluded (not scored), as the "
                                    "Guidelines say; the report says why."]},
             station_flags=[{"flag": "low_activity", "when": {"band": "low"},
                             "basis": "IPAQ-SF category 'low' (Nov 2005 Guidelines)"}],
             worked_examples=[_ipaq_example(v) for v in src["test_vectors"]])
    return d


def _ipaq_example(v: dict[str, Any]) -> dict[str, Any]:
    i = v["input"]
    answers = {"ipaq-1": i.get("vig_days", 0), "ipaq-3": i.get("mod_days", 0), "ipaq-5": i.get("walk_days", 0),
               "ipaq-7": 300}
    for link, days, mins in (("ipaq-2", "vig_days", "vig_min"), ("ipaq-4", "mod_days", "mod_min"),
                             ("ipaq-6", "walk_days", "walk_min")):
        if i.get(days, 0) > 0:
            answers[link] = i[mins]
    exp: dict[str, Any] = {}
    e = v["expected"]
    for key, out in (("total_met", "total"), ("walk_met", "walking_met"), ("mod_met", "moderate_met"),
                     ("vig_met", "vigorous_met")):
        if key in e:
            exp[out] = e[key]
    if "category" in e:
        exp["band"] = e["category"].split()[0]
    return {"name": f"research test vector {v['input']}", "answers": answers, "expected": exp,
            "source": "ipaq_sf.json test_vectors (worked from the Nov 2005 Guidelines)"}


TCM_OPT_EN = {"9": ["BMI < 24", "24 <= BMI < 25", "25 <= BMI < 26", "26 <= BMI < 28", "BMI >= 28"],
              "14": ["Fewer than 2 colds a year", "2-4 colds a year", "5-6 colds a year", "8 or more a year",
                     "A cold almost every month"],
              "17": ["Never", "1 or 2 times a year", "3 or 4 times a year", "5 or 6 times a year",
                     "Every time one of these causes is met"],
              "28": ["Waist < 80 cm", "Waist 80-85 cm", "Waist 86-90 cm", "Waist 91-105 cm", "Waist > 105 cm"]}


def tcm(src: dict[str, Any], common: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    std = src["standard_options"]
    items = []
    for it in src["items"]:
        opts = std if it["options"] == "standard_options" else it["options"]
        en = TCM_OPT_EN.get(str(it["number"]), [o.get("gloss_en") for o in std])
        items.append({"linkId": it["linkId"], "number": it["number"], "code": None, "type": "choice",
                      "required": True, "text": _t(it["gloss_en"][0].upper() + it["gloss_en"][1:], it["text_zh"]),
                      "text_status": {"en": "English gloss, not a translation (the form exists in Chinese only)"},
                      "answerOption": [{"code": str(o["score"]), "score": o["score"], "text": _t(e.capitalize()
                                        if e and e[0].islower() else e, o["text_zh"])}
                                       for o, e in zip(opts, en, strict=True)],
                      **({"note": it["kiosk_note"]} if "kiosk_note" in it else {})})
    d = common(src)
    rule = {"yes_min": 11, "tendency_min": 9, "balanced_min": 17, "balanced_others_max_yes": 8,
            "balanced_others_max_basic": 10}
    d.update(code=[], instructions=_t("Please answer from how you have usually felt over the past year.",
                                      src["instructions"]["zh"]),
             language_status={"zh": "official (National Basic Public Health Service Standard, 3rd ed.)",
                              "en": "gloss only: short English labels, not a translation"},
             ages={"min": 60, "max": None}, items=items,
             scoring={"method": "tcm_constitution", "total_code": None, "range": [4, 25],
                      "types": [{"code": t["code"], "name": _t(t["name_en"], t["name_zh"]), "items": t["items"],
                                 "reverse_items": t.get("reverse_scored_items", [])} for t in src["types"]],
                      "reverse_map": {"1": 5, "2": 4, "3": 3, "4": 2, "5": 1}, "rule": rule,
                      "results": {"yes": _t("Yes", "是"), "tendency": _t("Tendency", "倾向是"),
                                  "basically": _t("Basically yes", "基本是"), "no": _t("No", "否")},
                      "advice": _t("A TCM doctor can advise you on mood, diet, daily routine, exercise and acupoint "
                                   "care for your constitution.",
                                   "中医医生可以根据您的体质给您情志调摄、饮食调养、起居调摄、运动保健和穴位保健方面的指导。"),
                      "basis": "附件2 体质判定标准表 (3 sources agree): unbalanced types >= 11 是, 9-10 倾向是, "
                               "<= 8 否; "
                               "平和质 >= 17 with every other type <= 8 是, <= 10 基本是, else 否. Raw sums, not the "
                               "converted scores of ZYYXH/T157-2009.",
                      "decisions": ["Contradictory results (阴虚质 and 阳虚质 both 是) or no type at all are "
                                    "marked for staff review, as the form's notes ask."]},
             worked_examples=[_tcm_example(v, n) for n, v in enumerate(src["test_vectors"], 1)])
    return d


def _tcm_example(v: dict[str, Any], n: int) -> dict[str, Any]:
    a = {f"tcm-{i}": "1" for i in range(1, 34)}
    if n == 1:
        a["tcm-1"] = "5"
        exp = {"types": {"pinghe": [25, "yes"], "qixu": [4, "no"]}}
    elif n == 2:
        a = {k: "2" for k in a} | {"tcm-1": "4"}
        exp = {"types": {"pinghe": [20, "yes"], "qixu": [8, "no"]}}
    else:
        a |= {"tcm-1": "5", "tcm-2": "3", "tcm-3": "3", "tcm-4": "3", "tcm-14": "3"}
        exp = {"types": {"qixu": [12, "yes"], "pinghe": [21, "no"], "yangxu": [4, "no"]}}
    return {"name": v["answers"], "answers": a, "expected": exp,
            "source": "tcm_constitution_elderly_33.json test_vectors"}


def adl(src: dict[str, Any], common: Callable[..., dict[str, Any]], bands: Callable[..., Any]) -> dict[str, Any]:
    items = [{"linkId": it["linkId"], "number": it["number"], "code": None, "type": "choice", "required": True,
              "text": _t(it["gloss_en"].capitalize(), it["text_zh"]),
              "text_status": {"en": "English gloss, not a translation (the form exists in Chinese only)"},
              "answerOption": [{"code": o["level"], "score": o["score"],
                                "text": _t(o["level_en"], f"{o['level_zh']}：{o['text_zh']}")} for o in it["options"]]}
             for it in src["items"]]
    d = common(src)
    d.update(code=[], instructions=_t("For each activity, choose what you can do.", "请为每项活动选择符合您的情况。"),
             language_status={"zh": "official (National Basic Public Health Service Standard, 3rd ed.)",
                              "en": "gloss only: level names, not a translation"},
             ages={"min": 60, "max": None}, items=items,
             scoring={"method": "sum", "range": src["scoring"]["range"], "total_code": None,
                      "bands": bands(src, {"independent": ("Nothing to do now.", "目前无需处理。"),
                                           "mild": ("The community doctor can advise on help at home.",
                                                    "社区医生可以为居家帮助提供建议。"),
                                           "moderate": ("Please talk to the community doctor about help with daily "
                                                        "activities.", "请与社区医生谈谈日常生活所需的帮助。"),
                                           "unable": ("Please talk to the community doctor about care and support.",
                                                      "请与社区医生谈谈照护和支持。")},
                                     ["independent", "mild", "moderate", "unable"]),
                      "basis": src["cutoff_text_source"],
                      "decisions": ["Levels shown as '—' on the form are not offered (they score 0, like 可自理)."]},
             worked_examples=[{"name": "toileting moderately dependent", "answers": {"adl-toilet": "moderate"},
                               "default": "independent", "expected": {"total": 5, "band": "mild"}}])
    return d
