"""PynamoDB models, one module per table.

The stats table has no model here: stream aggregators write its buckets, with low-level transactions of ADD
counters and a watermark anchor (see healthcode.core.streams, the seam that also reads them). The two items written
otherwise have small models of their own beside the transactions that write them (never a stream): a venue's roster
of bound inspectors (healthcode.places.venues.roster) and an organization's member count
(healthcode.places.orgs.members).
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
