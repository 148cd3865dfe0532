"""PynamoDB models, one module per table."""

from .audit import AuditEntry
from .auth import AuthItem
from .checks import Check
from .declarations import Declaration
from .display_log import DisplayLogEntry
from .health_events import HealthEvent
from .people import Person
from .places import Place
from .relations import Relation
from .stats import StatsBucket

__all__ = ["AuditEntry", "AuthItem", "Check", "Declaration", "DisplayLogEntry", "HealthEvent", "Person", "Place",
           "Relation", "StatsBucket"]
