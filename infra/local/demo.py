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
    demo["venue"] = seed_venues(demo)
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
    lines += venue_banner(stack.demo)
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


# ---------------------------------------------------------------- venues (issue 4)

DEMO_VENUE = {"region_code": "440106001", "address": "天河路208号", "type": "SHOPPING_MALL", "name": "天河城（演示）",
              "phone": "+862038823388"}


def seed_venues(demo: dict[str, Any]) -> dict[str, Any]:
    """A demo venue: the first demo resident is its admin (and an inspector), the second an inspector."""
    from healthcode.venues import inspectors, places

    admin, inspector = demo["people"][1], demo["people"][2]
    place = places.create_venue(admin["person_id"], **{k: v for k, v in DEMO_VENUE.items() if k != "type"},
                                venue_type=DEMO_VENUE["type"])
    inspectors.join(admin["person_id"], place.join_code)
    inspectors.join(inspector["person_id"], place.join_code)
    return {"place_id": place.place_id, "name": place.name, "join_code": place.join_code,
            "admin": {"name": admin["name"], "id_number": admin["id_number"], "person_id": admin["person_id"]},
            "inspectors": [{"name": p["name"], "id_number": p["id_number"], "person_id": p["person_id"]}
                           for p in (admin, inspector)]}


def venue_banner(demo: dict[str, Any]) -> list[str]:
    venue = demo.get("venue")
    if not venue:
        return []
    return [
        "",
        f"  Demo venue 场所: {venue['name']}  place_id={venue['place_id']}  场所申报码 join_code={venue['join_code']}",
        f"    场所管理员 venue admin: {venue['admin']['name']} {venue['admin']['id_number']} (also an inspector)",
        f"    检测员 inspector:       {venue['inspectors'][1]['name']} {venue['inspectors'][1]['id_number']}",
        "    葵花码 quick check-in PNG: GET /v1/venues/{place_id}/quick-code?format=png (admin or inspector)",
    ]
