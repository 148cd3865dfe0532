"""Public venues (section 4.(二), section 5, FAQ (三)): venue admins, inspectors, checks, quick check-in, statistics.

Submodules: `regions` (9-digit region codes), `places` (the venue, its admin and members), `inspectors`
(bindings), `checks` (temperature checks and quick check-ins), `quickcode` (the printable 葵花码), `stats`
(stream aggregation into the stats table and the reads of it), `roster` (the bound inspectors, kept in the
stats table by the binding transactions), `tx` (transactions that say which item failed).
"""

VENUE = "VENUE"  # Place.kind, Relation kind of an inspector's binding (owner = inspector, target = place_id)
UNBOUND = "UNBOUND_VENUE"  # Relation kind left when the admin unbinds an inspector: the join code no longer admits them
VENUE_TYPES = ("RESIDENTIAL", "OFFICE", "SHOPPING_MALL", "RESTAURANT", "HOTEL", "ENTERTAINMENT", "SPORTS", "TRANSPORT",
               "OTHER")
VENUE_TYPE_LABELS = {
    "RESIDENTIAL": "住宅小区", "OFFICE": "写字楼", "SHOPPING_MALL": "商场商店", "RESTAURANT": "餐饮",
    "HOTEL": "酒店住宿", "ENTERTAINMENT": "文化娱乐", "SPORTS": "体育游乐", "TRANSPORT": "交通出行", "OTHER": "其他",
}

