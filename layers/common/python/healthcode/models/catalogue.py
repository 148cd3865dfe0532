"""The words of the residents' health forms, once: declaration types, symptoms, the declaration's questions (and
which of them are risks), the Macau ports. The domain validates against it, the statistics count by it, and the
pages render it from `GET /v1/catalogue` (`served()`), so no list is copied into a page or a statistics module.

A leaf module: it imports nothing of the layer, so the item shapes (models/) may read it too.
"""

from __future__ import annotations

from typing import Any

# Declaration types (申报类型) in the order the form offers them.
DECLARATION_TYPES = {
    "PERSONAL": "个人健康申报",
    "SELF_CHECK": "个人自查申报",
    "EMPLOYEE": "企业单位员工健康申报",
    "ORG_MEMBER": "组织机构成员健康申报",
    "STUDENT": "学生健康申报",
    "STAFF": "教职工健康申报",
}

# The fixed list of symptoms; no symptom at all is the empty list.
SYMPTOMS = {
    "fever": "发热",
    "cough": "咳嗽",
    "fatigue": "乏力",
    "sore_throat": "咽痛",
    "shortness_of_breath": "呼吸困难",
    "diarrhea": "腹泻",
    "loss_of_taste_or_smell": "嗅觉或味觉减退",
    "muscle_pain": "肌肉酸痛",
}

# The yes/no questions of the declaration form; a "yes" to any is a declared risk (scan summaries name it, the
# organizations' statistics count it).
RISK_QUESTIONS = {
    "contact_with_case": "14天内是否接触过新冠肺炎确诊、疑似病例或无症状感染者",
    "visited_risk_area": "14天内是否到过中高风险地区",
    "returned_from_abroad": "14天内是否有境外旅居史",
    "household_unwell": "共同居住人员是否有发热、咳嗽等症状",
}

# The short texts the form adds (选填).
TEXT_QUESTIONS = {
    "current_city": "目前所在城市",
    "remarks": "其他需要说明的情况",
}

# Every question the form asks; other well-formed answer keys are kept as given (an organization's own questions).
QUESTIONS = RISK_QUESTIONS | TEXT_QUESTIONS

# The risk questions the Macau health code's declaration asks (a "yes" refuses the code: healthcode.residents.macau).
MACAU_QUESTIONS = ("contact_with_case", "visited_risk_area", "returned_from_abroad")

# Zhuhai ports into Macau (通行口岸).
MACAU_PORTS = {
    "GONGBEI": "拱北口岸",
    "HENGQIN": "横琴口岸",
    "HZMB": "港珠澳大桥珠海公路口岸",
    "QINGMAO": "青茂口岸",
}


def _listed(labels: dict[str, str]) -> list[dict[str, str]]:
    return [{"code": code, "label": label} for code, label in labels.items()]


def served() -> dict[str, Any]:
    """The catalogue as `GET /v1/catalogue` answers it: ordered lists of {code, label}, questions with their kind."""
    return {
        "declaration_types": _listed(DECLARATION_TYPES),
        "symptoms": _listed(SYMPTOMS),
        "questions": [{"code": code, "label": label, "kind": "yes_no", "risk": True}
                      for code, label in RISK_QUESTIONS.items()]
        + [{"code": code, "label": label, "kind": "text", "risk": False} for code, label in TEXT_QUESTIONS.items()],
        "macau": {"questions": list(MACAU_QUESTIONS), "ports": _listed(MACAU_PORTS)},
    }
