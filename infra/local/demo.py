"""Demo data for the local stack: people for every role, whose logins `make run` prints."""

from __future__ import annotations

from typing import Any

from stdnum.cn import ric


def id_number(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")  # stdnum wants a placeholder check digit


DEMO_PEOPLE = [
    {"role": "系统管理员 system admin", "name": "王管理", "id_number": id_number("44010619860101123"),
     "phone": "+8613800138000", "system_admin": True},
    {"role": "居民 resident", "name": "张三丰", "id_number": id_number("44030519900307456"),
     "phone": "+8613912345678"},
    {"role": "居民 resident", "name": "李小红", "id_number": id_number("44010419950615282"),
     "phone": "+8613712345678"},
]


def system_admin_ids() -> str:
    return ",".join(p["id_number"] for p in DEMO_PEOPLE if p.get("system_admin"))


def seed(stack: Any) -> dict[str, Any]:
    """Create the demo people through the same domain code a login uses, so they exist before first login."""
    from healthcode.login import login

    people = []
    for person in DEMO_PEOPLE:
        result = login("ID_CARD", person["id_number"], None, person["name"], person["phone"], "FACE", "dev-pass")
        people.append(person | {"person_id": result.person_id, "roles": result.roles})
    demo = {"people": people, "proof": "dev-pass", "feed_api_key": stack.feed_api_key,
            "id_number": people[1]["id_number"], "name": people[1]["name"]}
    seed_colour_engine(stack, demo)
    return demo


def banner(stack: Any) -> str:
    lines = [
        "",
        "粤康码 Yuekang Code — local stack is up",
        f"  Web (H5):     {stack.base_url}/",
        f"  API:          {stack.base_url}/v1/health   (OpenAPI: {stack.base_url}/v1/openapi.json)",
        f"  Embedded AWS: http://127.0.0.1:{stack.aws_port}  (moto)",
        f"  Feed API key: {stack.feed_api_key}   (header x-api-key)",
        "",
        "  Demo logins (证件类型 居民身份证, 认证凭据 proof = dev-pass):",
    ]
    for person in stack.demo.get("people", []):
        lines.append(f"    {person['role']:<24} {person['name']}  {person['id_number']}  roles={','.join(person['roles'])}")
    lines += [
        "",
        "  curl example:",
        f"    curl -s -X POST {stack.base_url}/v1/auth/login -H 'Content-Type: application/json' \\",
        f"      -d '{{\"id_type\":\"ID_CARD\",\"id_number\":\"{stack.demo['id_number']}\",\"name\":\"{stack.demo['name']}\","
        "\"method\":\"FACE\",\"proof\":\"dev-pass\"}'",
        "",
        "  Ctrl-C stops everything.",
    ]
    return "\n".join(lines)


# --- colour engine (issue 3) ----------------------------------------------------------------------------------

COLOUR_DEMO_PEOPLE = [
    {"role": "医护人员 medical staff", "name": "赵医生", "id_number": id_number("44010619860505321"),
     "phone": "+8613600136000", "unit": "广州市第八人民医院", "position": "主治医师"},
    {"role": "红码居民 red (positive test)", "name": "陈红码", "id_number": id_number("44010619920909456"),
     "phone": "+8613500135000"},
]


def seed_colour_engine(stack: Any, demo: dict[str, Any]) -> None:
    """A medic on the admins' list, and a resident whose positive test arrives through the real feed route."""
    import requests
    from healthcode import clock
    from healthcode.api import Caller
    from healthcode.login import login
    from healthcode.medical import grant_staff

    admin = next(p for p in demo["people"] if p.get("system_admin"))
    medic, red = COLOUR_DEMO_PEOPLE
    grant_staff(Caller(admin["person_id"], frozenset({"system_admin"})),
                [{k: medic[k] for k in ("name", "phone", "unit", "position")}])
    tested = clock.iso(clock.now().replace(hour=8, minute=30, second=0, microsecond=0))
    answer = requests.post(f"{stack.base_url}/v1/feeds/health-events", timeout=30,
                           headers={"x-api-key": stack.feed_api_key}, json=[{
                               "event_id": "demo-nucleic-acid-0001", "kind": "NUCLEIC_ACID", "result": "POSITIVE",
                               "person": {"id_type": "ID_CARD", "id_number": red["id_number"], "name": red["name"]},
                               "occurred_at": min(tested, clock.iso(clock.now())),
                               "details": {"institution": "广州市第八人民医院"}}])
    answer.raise_for_status()
    for person in (medic, red):
        result = login("ID_CARD", person["id_number"], None, person["name"], person["phone"], "FACE", "dev-pass")
        demo["people"].append({k: person[k] for k in ("role", "name", "id_number", "phone")}
                              | {"person_id": result.person_id, "roles": result.roles})
    stack.wait_for_streams()
