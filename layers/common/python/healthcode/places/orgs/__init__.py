"""Organizations (组织机构, section 4.(一), FAQ (四)): the admin and the org, members' bindings, declarations' statistics.

For units the 粤政易 platform does not cover, non-civil-servants and visitors (FAQ (四) 1); one level only — an
organization has no parent or children (目前不支持多层次架构). Submodules: `admin` (create, read, weekly edits),
`members` (bind with the join code, list, unbind; the member count), `stats` (the declarations stream folded into
counters, and the reads of them), `reports` (the day's declarations, as a list and as CSV).
"""

ORG = "ORG"  # Place.kind, and the Relation kind of a member's binding (owner = member, target = place_id)

# 行政归属层级 (FAQ (四) 2): the administrative level the organization belongs to.
ORG_LEVELS = {
    "PROVINCE": "省级",
    "CITY": "地市级",
    "COUNTY": "区县级",
    "TOWNSHIP": "乡镇（街道）级",
    "VILLAGE": "村（社区）级",
}


def stats_scope(place_id: str) -> str:
    """The organization's items in the stats table: `members`, `total`, `day#<YYYY-MM-DD>`."""
    return f"org#{place_id}"
