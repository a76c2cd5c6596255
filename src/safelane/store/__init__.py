"""The store: one schema, two engines (SQLite by default, PostgreSQL by setting), reached through repositories."""

from safelane.store.database import Database

__all__ = ["Database"]
