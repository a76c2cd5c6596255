"""Whose consignments a caller may read and act on: the one rule every route, page and repository applies.

A `Scope` is built once per request from the authenticated user (API key or workbench session) and handed to
the repositories that read or change filings, decisions, cases, outcomes, seizures, the queue and the
dashboard. They filter with `sees` (one row) or `clause` (a query), so a consignment outside the scope is
absent, not hidden by a template, and a route cannot forget the check. The rule (docs/security.md):

- a filer: its own organisation's filings, every consignment in them;
- an officer posted to an office: consignments whose office (`Consignment.entry_office`) is that office;
  a filing spanning offices shows only that part; consignments with no known office are not any office's;
- supervisors, admins and unposted officers: every consignment, those with no office included (someone must
  dispatch them, and office settings are national).

Other border agencies' need-to-know (issue 14: an agency sees the consignments in its scope or hit by its
rules, and only some of their fields) extends this object: a field naming the agency, a wider `sees` and
`clause`, and a field filter applied where rows leave the store; callers stay as they are.
"""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

CUSTOMS_ROLES = frozenset({"officer", "supervisor", "admin"})


@dataclass(frozen=True)
class Scope:
    """Who is looking, and the filer and office they are confined to (None: no limit of that kind)."""

    actor: str
    role: str
    filer: str | None = None
    office: str | None = None
    operator: str | None = None  # a trader: the register operator it speaks for (its filer "" matches no filing)

    @classmethod
    def of(
        cls, name: str, role: str, *, filer: str | None = None, office: str | None = None, operator: str | None = None
    ) -> "Scope":
        """The scope of a stored user: a filer is confined to its organisation, only an officer to its office, a
        trader to the consignments naming its operator (and through every other repository to nothing)."""
        customs = role in CUSTOMS_ROLES
        trader = role == "trader"
        return cls(
            name,
            role,
            None if customs else ("" if trader else (filer or "")),
            office if role == "officer" else None,
            (operator or "") if trader else None,
        )

    @property
    def is_customs(self) -> bool:
        return self.role in CUSTOMS_ROLES

    @property
    def is_partial(self) -> bool:
        """True when a filing may hold consignments this caller does not see (it then sees only its part)."""
        return self.office is not None

    def sees(self, filer: str, office: str | None) -> bool:
        """Whether one consignment (by its filer and office) is in scope."""
        return (self.filer is None or filer == self.filer) and (self.office is None or office == self.office)

    def sees_office(self, office: str | None) -> bool:
        """Whether office-wide records (settings, capacity, seizures) of `office` are in scope."""
        return self.office is None or office == self.office

    def office_shown(self, asked: str | None) -> str | None:
        """The office a page of office figures shows when `asked` for one: a posted officer's own, whatever it
        asks (counts over offices would tell it about the others); for the others the one asked (None: all)."""
        return self.office or asked

    def clause(self, filer: Any, office: Any) -> sa.ColumnElement[bool]:
        """The same rule as `sees`, over the filer and office columns of a query."""
        parts: list[sa.ColumnElement[bool]] = []
        if self.filer is not None:
            parts.append(filer == self.filer)
        if self.office is not None:
            parts.append(office == self.office)
        return sa.and_(sa.true(), *parts)
