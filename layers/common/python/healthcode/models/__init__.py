"""PynamoDB models, one module per table.

The stats table has no model here: stream aggregators write its buckets, with low-level transactions of ADD
counters and a watermark anchor (see healthcode.core.streams, the seam that also reads them). The two items written
otherwise have small models of their own beside the transactions that write them (never a stream): a venue's roster
of bound inspectors (healthcode.venues.roster) and an organization's member count (healthcode.orgs.members).
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
