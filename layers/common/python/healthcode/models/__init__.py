"""PynamoDB models, one module per table.

The stats table has no model here: stream aggregators write its buckets, with low-level transactions of ADD
counters and a watermark anchor (see healthcode.streamstats), and readers fetch fixed keys with BatchGetItem. The one
item written otherwise, a venue's roster of bound inspectors, has its own small model in healthcode.places.venues.roster
(written in the binding transactions, never by a stream).
"""

from healthcode.models.audit import AuditEntry
from healthcode.models.auth import AuthItem
from healthcode.models.checks import Check
from healthcode.models.declarations import Declaration
from healthcode.models.display_log import DisplayLogEntry
from healthcode.models.health_events import HealthEvent
from healthcode.models.people import Person
from healthcode.models.places import Place
from healthcode.models.relations import Relation

__all__ = ["AuditEntry", "AuthItem", "Check", "Declaration", "DisplayLogEntry", "HealthEvent", "Person", "Place",
           "Relation"]
