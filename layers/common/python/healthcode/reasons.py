"""Red-code reasons with the Chinese label and the guide to clear them (section 2.(三).1, FAQ 4-5)."""

from __future__ import annotations

from typing import Any

REASONS: dict[str, dict[str, str]] = {
    "CONFIRMED": {
        "label": "确诊病例",
        "label_en": "Confirmed case",
        "guide": "请遵医嘱接受隔离治疗；治愈出院并经医护人员出具解除医学观察电子告知书后，红码自动解除。",
    },
    "POSITIVE_TEST": {
        "label": "核酸检测阳性",
        "label_en": "Positive nucleic acid test",
        "guide": "请立即联系所在社区或就近发热门诊，配合复核与医学观察；复核解除并出具解除医学观察电子告知书后，红码自动解除。",
    },
    "SUSPECTED": {
        "label": "疑似病例",
        "label_en": "Suspected case",
        "guide": "请配合医疗机构排查；排除疑似或出具解除医学观察电子告知书后，红码自动解除。",
    },
    "CLOSE_CONTACT": {
        "label": "密切接触者",
        "label_en": "Close contact",
        "guide": "请配合社区落实医学观察；观察期满或医护人员出具解除医学观察电子告知书后，红码自动解除。",
    },
    "OTHER_PROVINCE_RED_YELLOW": {
        "label": "外省健康码红黄码",
        "label_en": "Red or yellow code from another province",
        "guide": "请按原发码省份的要求办理转码；原省份健康码转为绿码并同步后，红码自动解除。",
    },
    "CENTRAL_QUARANTINE": {
        "label": "集中隔离人员",
        "label_en": "Central quarantine",
        "guide": "请在集中隔离点完成隔离；隔离期满或出具解除医学观察电子告知书后，红码自动解除。",
    },
    "HOME_QUARANTINE": {
        "label": "居家隔离人员",
        "label_en": "Home quarantine",
        "guide": "请居家隔离并配合社区健康监测；隔离期满或出具解除医学观察电子告知书后，红码自动解除。",
    },
}


def describe(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reasons as the API shows them: code, label, guide (and the period when one is known)."""
    shown = []
    for reason in reasons:
        text = REASONS.get(reason["code"], {"label": reason["code"], "label_en": reason["code"], "guide": ""})
        entry = {"code": reason["code"], "label": text["label"], "label_en": text["label_en"], "guide": text["guide"]}
        if reason.get("until"):
            entry["until"] = reason["until"]
        shown.append(entry)
    return shown
