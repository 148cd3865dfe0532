"""PynamoDB models, one module per table.

The stats table has no model: only stream aggregators write it, with low-level transactions of ADD counters
and a watermark anchor (see healthcode.streamstats), and readers fetch fixed keys with BatchGetItem.
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
