"""PynamoDB models, one module per table.

The stats table has no model here: stream aggregators write its buckets, with low-level transactions of ADD
counters and a watermark anchor (see healthcode.core.streams), and readers fetch fixed keys with BatchGetItem. The one
item written otherwise, a venue's roster of bound inspectors, has its own small model in healthcode.venues.roster
(written in the binding transactions, never by a stream).
"""

from .audit import AuditEntry
from .auth import AuthItem
from .checks import Check
from .declarations import Declaration
from .display_log import DisplayLogEntry
from .health_events import HealthEvent
from .people import Person
from .places import Place
from .relations import Relation

__all__ = ["AuditEntry", "AuthItem", "Check", "Declaration", "DisplayLogEntry", "HealthEvent", "Person", "Place",
           "Relation"]
