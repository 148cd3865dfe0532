"""PynamoDB models, one module per table."""

from .audit import AuditEntry
from .auth import AuthItem
from .display_log import DisplayLogEntry
from .people import Person
from .relations import Relation

__all__ = ["AuditEntry", "AuthItem", "DisplayLogEntry", "Person", "Relation"]
