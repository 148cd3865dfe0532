"""What the routes of every kind of place share: the body of an admin transfer offer (更换管理员)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from healthcode.core import api


class OfferTransfer(api.Body):
    """The successor, named by name and document; an inbound traveller's document is refused naming id_type."""

    name: str = Field(min_length=1, max_length=64)
    id_type: Literal["ID_CARD", "HK_MACAU_PERMIT", "TAIWAN_PERMIT", "PASSPORT"] = "ID_CARD"
    id_number: str = Field(min_length=1, max_length=32)
