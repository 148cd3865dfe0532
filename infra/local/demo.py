"""Demo data for the local stack: people for every role, whose logins `make run` prints."""

from __future__ import annotations

import warnings
from typing import Any

from stdnum.cn import ric


def id_number(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")  # stdnum wants a placeholder check digit


DEMO_PEOPLE = [
    # The phone logs 王管理 in to the console (/console/) by SMS code: not +8613800138000, which tests give venues as
    # their contact phone (a registered venue phone logs its admin in too, and a phone of two people logs in no one).
    {"role": "系统管理员 system admin", "name": "王管理", "id_number": id_number("44010619860101123"),
     "phone": "+8613900139000", "system_admin": True},
    {"role": "居民 resident", "name": "张三丰", "id_number": id_number("44030519900307456"),
     "phone": "+8613912345678"},
    {"role": "居民 resident", "name": "李小红", "id_number": id_number("44010419950615282"),
     "phone": "+8613712345678"},
]


def system_admin_ids() -> str:
    return ",".join(p["id_number"] for p in DEMO_PEOPLE if p.get("system_admin"))


def seed(stack: Any) -> dict[str, Any]:
    """Create the demo people through the same domain code a login uses, so they exist before first login."""
    # The demo's idempotent writes (declarations, collections) run outside any Lambda invocation: Powertools has no
    # context whose remaining time it could read, and says so; nothing here depends on it. Only while seeding: a
    # handler that forgot to register its context must still be heard.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Couldn't determine the remaining time left")
        return _seed(stack)


def _seed(stack: Any) -> dict[str, Any]:
    from healthcode.identity.login import login

    people = []
    for person in DEMO_PEOPLE:
        result = login("ID_CARD", person["id_number"], None, person["name"], person["phone"], "FACE", "dev-pass")
        people.append(person | {"person_id": result.person_id, "roles": result.roles})
    demo = {"people": people, "proof": "dev-pass", "feed_api_key": stack.feed_api_key,
            "id_number": people[1]["id_number"], "name": people[1]["name"]}
    demo["residents"] = seed_residents(people[1], people[2:])
    demo["inbound"] = seed_inbound()
    demo["venue"] = seed_venues(demo)
    seed_colour_engine(stack, demo)
    demo["org"] = seed_orgs(stack, demo)
    demo["console"] = seed_console(stack, demo)
    demo["grid"] = seed_grids(stack, demo)
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
    sections = {"residents": residents_banner, "venue": venue_banner, "org": org_banner,
                "console": lambda console: console_banner(console, stack), "grid": grid_banner}
    for name, section in sections.items():  # each one the demo seeded
        if stack.demo.get(name):
            lines += section(stack.demo[name])
    lines += [
        "",
        "  curl example:",
        f"    curl -s -X POST {stack.base_url}/v1/auth/login -H 'Content-Type: application/json' \\",
        f"      -d '{{\"id_type\":\"ID_CARD\",\"id_number\":\"{stack.demo['id_number']}\",\"name\":\"{stack.demo['name']}\","
        "\"method\":\"FACE\",\"proof\":\"dev-pass\"}'",
        "",
        "  Ctrl-C stops everything.",
    ]
    lines[-2:-2] = inbound_banner(stack)
    return "\n".join(lines)


# ---------------------------------------------------------------- residents (issue 6)

DEMO_FAMILY = [
    {"relation": "CHILD", "name": "张小丰", "id_number": id_number("44030520150307123")},
    # A Guangzhou (Tianhe) resident born in 1950, before Tianhe's code 440106 existed (1985): the card names where
    # it was issued, so elderly residents of new districts log in (issue 9).
    {"relation": "PARENT", "name": "张老丰", "id_number": id_number("44010619500612003")},
]
DEMO_ITINERARY = [("广州市", 1), ("深圳市", 3), ("珠海市", 6)]  # (city, days ago)


def seed_residents(guardian: dict[str, Any], others: list[dict[str, Any]]) -> dict[str, Any]:
    """The demo resident's family (a child and a parent); itinerary facts and a negative test for each resident."""
    from healthcode.residents.family import NewMember, Relationship, VerificationMethod, add_member

    family = []
    for member in DEMO_FAMILY:
        added = add_member(guardian["person_id"], NewMember(
            relation=Relationship(member["relation"]), name=member["name"], id_type="ID_CARD",
            id_number=member["id_number"], issue_count=None, method=VerificationMethod.FACE, proof="dev-pass"))
        family.append(member | {"person_id": added["person_id"], "relation_label": added["relation_label"]})
    for resident in [guardian, *others]:
        _seed_resident_facts(resident["person_id"])
    return {"guardian": guardian["name"], "family": family,
            "itinerary_phones": [p["phone"] for p in [guardian, *others]],
            "itinerary_cities": [city for city, _ in DEMO_ITINERARY]}


def _seed_resident_facts(person_id: str) -> None:
    """Feed facts as a partner would deliver them: where the phone was (ITINERARY) and a negative test."""
    from datetime import timedelta

    from healthcode.core import clock
    from healthcode.models import HealthEvent

    now = clock.now()
    facts = [("ITINERARY", days, None, {"city": city, "date": clock.local_date(now - timedelta(days=days)).isoformat()})
             for city, days in DEMO_ITINERARY]
    facts.append(("NUCLEIC_ACID", 1, "NEGATIVE", {"institution": "广州市第一人民医院"}))
    for index, (kind, days, result, details) in enumerate(facts):
        moment = now - timedelta(days=days, hours=index)
        event_id = f"demo-residents-{person_id}-{index}"
        HealthEvent(person_id=person_id, sk=f"{clock.iso(moment)}#{event_id}", event_id=event_id, kind=kind,
                    occurred_at=clock.iso(moment), result=result, details=details, source="feed:demo",
                    received_at=clock.iso(now)).save()


def residents_banner(residents: dict[str, Any]) -> list[str]:
    lines = ["", f"  {residents['guardian']} 的家庭成员 (family members, 切换 member=):"]
    for member in residents["family"]:
        lines.append(f"    {member['relation_label']:<6} {member['name']}  {member['id_number']}  person_id={member['person_id']}")
    lines.append(f"  行程卡 itinerary card ({'、'.join(residents['itinerary_cities'])}): phones "
                 f"{', '.join(residents['itinerary_phones'])}; SMS codes at /v1/dev/sms?phone=...")
    return lines


# ---------------------------------------------------------------- inbound travellers (issue 5)

DEMO_INBOUND = [
    {"role": "入境人员 inbound traveller", "name": "SMITH JOHN PAUL", "country": "US", "doc_type": "PASSPORT",
     "doc_number": "K12345678", "port": "深圳湾口岸", "vehicle": "MU5101"},
    {"role": "同行人员 his companion", "name": "SMITH EMMA", "country": "US", "doc_type": "PASSPORT",
     "doc_number": "K12345679", "port": "深圳湾口岸", "vehicle": "MU5101", "companion_of": "K12345678"},
    {"role": "入境人员 inbound traveller", "name": "林美华", "country": "TW", "doc_type": "TAIWAN_PERMIT",
     "doc_number": "01234567", "issue_count": "02", "port": "厦门高崎机场", "vehicle": "CI511"},
    {"role": "同行人员 her companion", "name": "林小宇", "country": "TW", "doc_type": "TAIWAN_PERMIT",
     "doc_number": "01234568", "issue_count": "01", "port": "厦门高崎机场", "vehicle": "CI511",
     "companion_of": "01234567"},
]


def record_inbound_entry(doc_type: str, doc_number: str, name: str, country: str, *, issue_count: str | None = None,
                         port: str = "广州白云国际机场", vehicle: str = "CZ3102", days_ago: int = 2,
                         source: str = "feed:demo-immigration") -> Any:
    """What an INBOUND_ENTRY feed record leaves behind, written directly until the feed route is merged:
    the INBOUND person (name as on the document) and the entry fact in their health events."""
    from datetime import timedelta

    from healthcode.core import clock
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import NewPerson, find_or_create
    from healthcode.models import HealthEvent
    from ulid import ULID

    document = parse_document(doc_type, doc_number, issue_count)
    person, _ = find_or_create(NewPerson(document, name, kind="INBOUND", country=country))
    now = clock.now()
    occurred_at, event_id = clock.iso(now - timedelta(days=days_ago)), f"entry-{ULID()}"
    HealthEvent(person_id=person.person_id, sk=f"{occurred_at}#{event_id}", event_id=event_id, kind="INBOUND_ENTRY",
                occurred_at=occurred_at, source=source, received_at=clock.iso(now),
                details={"country": country, "entry_date": clock.local_date(now - timedelta(days=days_ago)).isoformat(),
                         "port": port, "vehicle": vehicle}).save()
    return person


def seed_inbound() -> list[dict[str, Any]]:
    """Inbound travellers and their companions, each with an entry record, for /inbound.html."""
    seeded = []
    for traveller in DEMO_INBOUND:
        person = record_inbound_entry(traveller["doc_type"], traveller["doc_number"], traveller["name"],
                                      traveller["country"], issue_count=traveller.get("issue_count"),
                                      port=traveller["port"], vehicle=traveller["vehicle"])
        seeded.append(traveller | {"person_id": person.person_id})
    return seeded


def inbound_banner(stack: Any) -> list[str]:
    lines = ["", "  Inbound travellers (入境人员粤康码) at " + f"{stack.base_url}/inbound.html — entry records seeded;",
             "  the name as on the document, in any order or case the FAQ allows; any phone with its 区号:"]
    for traveller in stack.demo.get("inbound", []):
        issue = f" issue count {traveller['issue_count']}" if traveller.get("issue_count") else ""
        document = f"{traveller['doc_type']} {traveller['doc_number']}{issue}"
        lines.append(f"    {document:<38} country {traveller['country']}  name {traveller['name']}  "
                     f"({traveller['role']})")
    return lines


# ---------------------------------------------------------------- venues (issue 4)

DEMO_VENUE = {"region_code": "440106001", "address": "天河路208号", "type": "SHOPPING_MALL", "name": "天河城（演示）",
              "phone": "+862038823388"}


def seed_venues(demo: dict[str, Any]) -> dict[str, Any]:
    """A demo venue: the first demo resident is its admin (and an inspector), the second an inspector."""
    from healthcode.places.venues import inspectors, places

    admin, inspector = demo["people"][1], demo["people"][2]
    place = places.create_venue(admin["person_id"], **{k: v for k, v in DEMO_VENUE.items() if k != "type"},
                                venue_type=DEMO_VENUE["type"])
    inspectors.join(admin["person_id"], place.join_code)
    inspectors.join(inspector["person_id"], place.join_code)
    return {"place_id": place.place_id, "name": place.name, "join_code": place.join_code,
            "admin": {"name": admin["name"], "id_number": admin["id_number"], "person_id": admin["person_id"]},
            "inspectors": [{"name": p["name"], "id_number": p["id_number"], "person_id": p["person_id"]}
                           for p in (admin, inspector)]}


def venue_banner(venue: dict[str, Any]) -> list[str]:
    return [
        "",
        f"  Demo venue 场所: {venue['name']}  place_id={venue['place_id']}  场所申报码 join_code={venue['join_code']}",
        f"    场所管理员 venue admin: {venue['admin']['name']} {venue['admin']['id_number']} (also an inspector)",
        f"    检测员 inspector:       {venue['inspectors'][1]['name']} {venue['inspectors'][1]['id_number']}",
        "    葵花码 quick check-in PNG: GET /v1/venues/{place_id}/quick-code?format=png (admin or inspector)",
        "    扫码测温设备 scanner device: python -m infra.device  (same PORT; --offline-at 5 --offline-for 6 --resend-twice)",
    ]


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
    from healthcode.core import clock
    from healthcode.core.caller import Caller
    from healthcode.identity.login import login
    from healthcode.medical.notices import grant_staff

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


# --- organizations ----------------------------------------------------------------------------------------------

DEMO_ORG = {"name": "粤康码演示单位", "address": "广州市越秀区府前路1号", "level": "CITY"}


def seed_orgs(stack: Any, demo: dict[str, Any]) -> dict[str, Any]:
    """A demo organization administered by the demo system admin (王管理), with 李小红 as a member who declared today."""
    from healthcode.places.orgs import admin, members
    from healthcode.residents.declarations import DeclarationType, NewDeclaration, declare

    boss = next(p for p in demo["people"] if p.get("system_admin"))
    member = next(p for p in demo["people"] if p["name"] == "李小红")
    place = admin.create_org(boss["person_id"], DEMO_ORG["name"], DEMO_ORG["address"], DEMO_ORG["level"])
    members.join(member["person_id"], place.join_code)
    declare(member["person_id"], member["person_id"], {"resident"}, NewDeclaration(
        type=DeclarationType.ORG_MEMBER, place_id=place.place_id, temperature_c=36.5,
        answers={"contact_with_case": False, "visited_risk_area": False, "current_city": "广州市"}))
    stack.wait_for_streams()
    return {"place_id": place.place_id, "name": place.name, "join_code": place.join_code,
            "admin": {k: boss[k] for k in ("name", "id_number", "person_id")},
            "members": [{k: member[k] for k in ("name", "id_number", "person_id")}]}


def org_banner(org: dict[str, Any]) -> list[str]:
    return [
        "",
        f"  Demo organization 组织机构: {org['name']}  place_id={org['place_id']}  组织机构申报码 join_code={org['join_code']}",
        f"    组织机构管理员 org admin: {org['admin']['name']} {org['admin']['id_number']}",
        f"    成员 member:              {org['members'][0]['name']} {org['members'][0]['id_number']} (declared today)",
        "    statistics GET /v1/orgs/{place_id}/stats; CSV report GET /v1/orgs/{place_id}/report?date=YYYY-MM-DD",
    ]


# --- the management console (issue 12) ------------------------------------------------------------------------

DEMO_SCHOOL = {"name": "粤康码演示学校", "address": "广州市天河区中山大道西55号", "level": "COUNTY",
               "phone": "+8613300133000"}
CONSOLE_ORG_ADMIN = {"role": "组织机构管理员 org admin", "name": "林主任", "id_number": id_number("44010619780315002")}
# The school's members: (name, first 17 digits of the ID number) - ages 0-17 to 60+, both sexes (the 17th digit)
DEMO_SCHOOL_MEMBERS = [
    ("陈小明", "44010620080412003"), ("黄小华", "44010620090923002"), ("李晓东", "44010619950108031"),
    ("周美玲", "44010619920617024"), ("吴国强", "44010619800302015"), ("郑丽娟", "44010619831130046"),
    ("梁志成", "44010619700821057"), ("何秀英", "44010619620214068"), ("罗建华", "44010619580909079"),
    ("谢婷婷", "44010619990505082"),
]
CONSOLE_DAYS = 14


def seed_console(stack: Any, demo: dict[str, Any]) -> dict[str, Any]:
    """Console logins and something to chart: a second organization (a school) whose admin only administers it, with
    ten members declaring over the last CONSOLE_DAYS days (fevers, symptoms and risk answers among them), and the same
    days of checks at the demo venue. Past days are written as the routes write them (the declaration and check items
    with their place_date), so the statistics streams count them into the day buckets the dashboards read."""
    import random
    from datetime import datetime, timedelta

    from healthcode.core import clock
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.login import login
    from healthcode.identity.people import NewPerson, find_or_create
    from healthcode.places.orgs import admin, members

    rng = random.Random(12)
    boss = login("ID_CARD", CONSOLE_ORG_ADMIN["id_number"], None, CONSOLE_ORG_ADMIN["name"], None, "FACE", "dev-pass")
    demo["people"].append(CONSOLE_ORG_ADMIN | {"person_id": boss.person_id, "roles": boss.roles,
                                               "phone": DEMO_SCHOOL["phone"]})
    school = admin.create_org(boss.person_id, DEMO_SCHOOL["name"], DEMO_SCHOOL["address"], DEMO_SCHOOL["level"],
                              DEMO_SCHOOL["phone"])
    people = []
    for name, first17 in DEMO_SCHOOL_MEMBERS:
        person, _ = find_or_create(NewPerson(parse_document("ID_CARD", id_number(first17)), name))
        members.join(person.person_id, school.join_code)
        people.append(person)
    now = clock.now()
    today = clock.local_date(now)
    declared = checked = 0
    for back in range(CONSOLE_DAYS - 1, -1, -1):
        day = today - timedelta(days=back)
        morning = datetime.combine(day, datetime.min.time(), clock.SHANGHAI)
        for person in people:
            if rng.random() < 0.85:
                moment = min(morning + timedelta(hours=7, minutes=rng.randrange(120)), now)
                _declare_on(person.person_id, school.place_id, moment, rng)
                declared += 1
        for _ in range(rng.randrange(8, 30)):
            moment = morning + timedelta(hours=rng.randrange(8, 22), minutes=rng.randrange(60))
            if moment <= now:
                _check_on(demo["venue"], rng.choice(people), moment, rng)
                checked += 1
    stack.wait_for_streams()
    admins = {p["name"]: p for p in demo["people"]}
    venue_admin = admins[demo["venue"]["admin"]["name"]]
    system_admin = next(p for p in demo["people"] if p.get("system_admin"))
    return {
        "logins": [
            {"role": "system_admin", "name": system_admin["name"], "phone": system_admin["phone"],
             "person_id": system_admin["person_id"], "note": f"also admin of {demo['org']['name']}"},
            {"role": "org_admin", "name": CONSOLE_ORG_ADMIN["name"], "phone": DEMO_SCHOOL["phone"],
             "person_id": boss.person_id, "place_id": school.place_id, "place": school.name},
            {"role": "venue_admin", "name": venue_admin["name"], "phone": venue_admin["phone"],
             "person_id": venue_admin["person_id"], "place_id": demo["venue"]["place_id"],
             "place": demo["venue"]["name"]},
        ],
        "school": {"place_id": school.place_id, "name": school.name, "join_code": school.join_code,
                   "members": len(people), "days": CONSOLE_DAYS, "declarations": declared,
                   "first_day": (today - timedelta(days=CONSOLE_DAYS - 1)).isoformat(), "last_day": today.isoformat()},
        "venue_checks": checked,
    }


def _declare_on(person_id: str, place_id: str, moment: Any, rng: Any) -> None:
    """One ORG_MEMBER declaration at a past moment, as healthcode.residents.declarations.declare stores one."""
    from healthcode.core import clock
    from healthcode.models import Declaration
    from ulid import ULID

    roll = rng.random()
    temperature = round(rng.uniform(37.5, 38.6), 1) if roll < 0.05 else round(rng.uniform(36.1, 36.9), 1)
    symptoms = ["cough"] if 0.05 <= roll < 0.10 else (["fever", "fatigue"] if roll < 0.02 else [])
    answers = {"contact_with_case": False, "visited_risk_area": 0.10 <= roll < 0.13,
               "returned_from_abroad": False, "household_unwell": False, "current_city": "广州市"}
    declaration_id = str(ULID.from_datetime(moment))
    Declaration(person_id=person_id, sk=f"{clock.iso(moment)}#{declaration_id}", declaration_id=declaration_id,
                type="ORG_MEMBER", place_id=place_id, place_date=f"{place_id}#{clock.local_date(moment).isoformat()}",
                temperature_c=temperature, symptoms=symptoms, answers=answers, declared_by=person_id,
                created_at=clock.iso(moment)).save()


def _check_on(venue: dict[str, Any], person: Any, moment: Any, rng: Any) -> None:
    """One inspector's check at the demo venue at a past moment, as healthcode.places.venues.checks stores one."""
    from healthcode.core import clock, pii
    from healthcode.models import Check
    from healthcode.places.venues.checks import age_group
    from ulid import ULID

    inspector = rng.choice(venue["inspectors"])
    day = clock.local_date(moment)
    check_id = str(ULID.from_datetime(moment))
    Check(place_date=f"{venue['place_id']}#{day.isoformat()}", sk=f"{clock.iso(moment)}#{check_id}",
          check_id=check_id, place_id=venue["place_id"], kind="VENUE_CHECK", person_id=person.person_id,
          inspector_id=inspector["person_id"], temperature="FEVER" if rng.random() < 0.04 else "NORMAL",
          color="GREEN", code_type="R", gender=person.gender or "unknown", age_group=age_group(person.birth_date, day),
          checked_at=clock.iso(moment), details={"inspector_name_masked": pii.mask_name(inspector["name"])}).save()


def console_banner(console: dict[str, Any], stack: Any) -> list[str]:
    lines = ["", f"  管理控制台 Console: {stack.base_url}/console/  (desktop) - log in with phone + 图片验证码 + 短信验证码;",
             "    captcha answers at /v1/dev/captcha/{captcha_id}, SMS codes at /v1/dev/sms?phone=...  Console logins:"]
    for login in console["logins"]:
        place = f"  {login['place']}" if login.get("place") else ""
        note = f"  ({login['note']})" if login.get("note") else ""
        lines.append(f"    {login['role']:<13} {login['name']}  {login['phone']}{place}{note}")
    school = console["school"]
    lines.append(f"    {school['name']}: {school['members']} members, {school['declarations']} declarations over the "
                 f"last {school['days']} days; {stack.demo['venue']['name']}: {console['venue_checks']} checks")
    return lines


# --- community grids (issue 11) ---------------------------------------------------------------------------------

GRID_DEMO_PEOPLE = [
    {"role": "网格管理员 grid admin", "name": "刘网管", "id_number": id_number("44010619830808123"),
     "phone": "+8613300134000"},
    {"role": "网格员(已授权) authorized grid worker", "name": "陈网格", "id_number": id_number("44010619880818234"),
     "phone": "+8613300134001"},
    {"role": "网格员(未授权) grid worker", "name": "何网格", "id_number": id_number("44010619900828345"),
     "phone": "+8613300134002"},
    {"role": "区域管理员 region admin (天河区 440106)", "name": "周区管", "id_number": id_number("44010619750505456"),
     "phone": "+8613300134003"},
]
DEMO_GRID = {"region_code": "440106005", "name": "石牌村第一网格（演示）", "area": "440106"}


def seed_grids(stack: Any, demo: dict[str, Any]) -> dict[str, Any]:
    """An approved grid (approved by the region admin of 天河区) with an authorized and an unauthorized worker; the
    authorized one has collected the demo's red resident (a key person) and 张三丰."""
    from healthcode.codes.tokens import CodeType, get_keyring
    from healthcode.core import clock
    from healthcode.core.caller import Caller
    from healthcode.identity.login import login
    from healthcode.places.grids import collections, grids, superiors, workers

    boss = next(p for p in demo["people"] if p.get("system_admin"))
    people = []
    for person in GRID_DEMO_PEOPLE:
        result = login("ID_CARD", person["id_number"], None, person["name"], person["phone"], "FACE", "dev-pass")
        people.append(person | {"person_id": result.person_id, "roles": result.roles})
    admin, authorized, plain, region_admin = people
    superiors.grant_region_admin(Caller(boss["person_id"], frozenset({"system_admin"})), region_admin["name"],
                                 region_admin["id_number"], DEMO_GRID["area"])
    place = grids.create_grid(admin["person_id"], DEMO_GRID["region_code"], DEMO_GRID["name"])
    superiors.approve(Caller(region_admin["person_id"], frozenset({"resident"})), place.place_id)
    for worker in (authorized, plain):
        workers.join(worker["person_id"], place.join_code)
    workers.set_authorized(place.place_id, admin["person_id"], authorized["person_id"], True)
    collected = [p for p in demo["people"] if p["name"] in ("陈红码", "张三丰")]
    for index, person in enumerate(collected):
        qr = get_keyring().sign(CodeType.RESIDENT, person["person_id"], 1, int(clock.now().timestamp()))
        collections.collect(place.place_id, authorized["person_id"], f"demo-grid-{index}", qr, None, "NORMAL",
                            {"at_home": True}, "演示上门采集")
    stack.wait_for_streams()
    return {"place_id": place.place_id, "name": place.name, "join_code": place.join_code,
            "people": [{k: p[k] for k in ("role", "name", "id_number", "person_id")} for p in people],
            "collected": [p["name"] for p in collected]}


def grid_banner(grid: dict[str, Any]) -> list[str]:
    lines = ["", f"  Demo grid 网格: {grid['name']}  place_id={grid['place_id']}  网格申报码 join_code={grid['join_code']}"]
    for person in grid["people"]:
        lines.append(f"    {person['role']:<34} {person['name']}  {person['id_number']}")
    lines.append(f"    collected 已采集: {'、'.join(grid['collected'])} (陈红码 is a key person 重点管控人员); "
                 "pages: /grid.html; approvals: GET /v1/admin/grids (system admin or the region admin)")
    return lines
