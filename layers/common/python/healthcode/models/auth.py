"""Short-lived authentication state and one-per-document markers.

Keys (all GetItem / conditional writes):
- `person#<id_hash>` -> person_id: one person per document (conditional put), found without a GSI read;
- `captcha#<id>`, `sms#<purpose>#<phone_hash>`, `rate#...`, `lock#...`: captchas, SMS codes, windows (TTL);
- `apikey#<sha256>`: partner API keys, stored hashed;
- `event#<event_id>` -> person_id, data {digest, sk, source}: one per stored health event (feeds, inbox, release
  notices), so a replayed record is stored once and the same event_id with other content is a conflict;
- `medical-grant#<keyed hash of name and phone>`, data {unit, position, masked name and phone}: the system admins'
  list of medical staff (section 4.(四)), claimed at login.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from healthcode.models.base import table_meta


class AuthItem(Model):
    Meta = table_meta("auth_table")

    key = UnicodeAttribute(hash_key=True)
    value = UnicodeAttribute(null=True)
    data = JSONAttribute(null=True)
    count = NumberAttribute(default=0)
    expires_at = TTLAttribute(null=True)
