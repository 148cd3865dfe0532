"""Red-code reasons with their label and the guide to clear them, in Chinese and English (section 2.(三).1, FAQ 4-5;
the inbound page has a Language toggle)."""

from __future__ import annotations

from typing import Any

REASONS: dict[str, dict[str, str]] = {
    "CONFIRMED": {
        "label": "确诊病例",
        "label_en": "Confirmed case",
        "guide": "请遵医嘱接受隔离治疗；治愈出院并经医护人员出具解除医学观察电子告知书后，红码自动解除。",
        "guide_en": "Follow medical advice and receive treatment in isolation; the code turns green once a release notice is issued.",
    },
    "POSITIVE_TEST": {
        "label": "核酸检测阳性",
        "label_en": "Positive nucleic acid test",
        "guide": "请立即联系所在社区或就近发热门诊，配合复核与医学观察；复核解除并出具解除医学观察电子告知书后，红码自动解除。",
        "guide_en": "Contact your community or the nearest fever clinic at once for a re-test and medical observation; the code turns green once a release notice is issued.",
    },
    "SUSPECTED": {
        "label": "疑似病例",
        "label_en": "Suspected case",
        "guide": "请配合医疗机构排查；排除疑似或出具解除医学观察电子告知书后，红码自动解除。",
        "guide_en": "Cooperate with the medical institution's checks; the code turns green once the suspicion is cleared or a release notice is issued.",
    },
    "CLOSE_CONTACT": {
        "label": "密切接触者",
        "label_en": "Close contact",
        "guide": "请配合社区落实医学观察；观察期满或医护人员出具解除医学观察电子告知书后，红码自动解除。",
        "guide_en": "Cooperate with the community's medical observation; the code turns green when the period ends or a release notice is issued.",
    },
    "OTHER_PROVINCE_RED_YELLOW": {
        "label": "外省健康码红黄码",
        "label_en": "Red or yellow code from another province",
        "guide": "请按原发码省份的要求办理转码；原省份健康码转为绿码并同步后，红码自动解除。",
        "guide_en": "Follow the rules of the province whose code is red or yellow; the code turns green once that code is green.",
    },
    "CENTRAL_QUARANTINE": {
        "label": "集中隔离人员",
        "label_en": "Central quarantine",
        "guide": "请在集中隔离点完成隔离；隔离期满或出具解除医学观察电子告知书后，红码自动解除。",
        "guide_en": "Complete the quarantine at the designated site; the code turns green when it ends or a release notice is issued.",
    },
    "HOME_QUARANTINE": {
        "label": "居家隔离人员",
        "label_en": "Home quarantine",
        "guide": "请居家隔离并配合社区健康监测；隔离期满或出具解除医学观察电子告知书后，红码自动解除。",
        "guide_en": "Stay at home and cooperate with the community's health monitoring; the code turns green when the period ends or a release notice is issued.",
    },
}


def describe(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reasons as the API shows them: code, label, guide, each in both languages (and the period when known)."""
    shown = []
    for reason in reasons:
        text = REASONS.get(reason["code"], {"label": reason["code"], "label_en": reason["code"], "guide": "",
                                            "guide_en": ""})
        entry = {"code": reason["code"], "label": text["label"], "label_en": text["label_en"], "guide": text["guide"],
                 "guide_en": text["guide_en"]}
        if reason.get("until"):
            entry["until"] = reason["until"]
        shown.append(entry)
    return shown
