"""Whose consignments a caller may read and act on: the one rule every route, page and repository applies.

A `Scope` is built once per request from the authenticated user (API key or workbench session) and handed to
the repositories that read or change filings, decisions, cases, outcomes, seizures, the queue and the
dashboard. They filter with `sees` (one row) or `clause` (a query), so a consignment outside the scope is
absent, not hidden by a template, and a route cannot forget the check. The rule (docs/security.md):

- a filer: its own organisation's filings, every consignment in them;
- an officer posted to an office: consignments whose office (`Consignment.entry_office`) is that office;
  a filing spanning offices shows only that part; consignments with no known office are not any office's;
- supervisors, admins and unposted officers: every consignment, those with no office included (someone must
  dispatch them, and office settings are national);
- an agency officer (issue 14): the consignments in its agency's scope (its goods in the agency's competence,
  one of its rules hit it, or it holds a requirement: the agency_scope index), and its office's if posted.
  What of them it reads is the need-to-know filter's business (safelane.agencies.need_to_know).
"""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

CUSTOMS_ROLES = frozenset({"officer", "supervisor", "admin"})
AGENCY_ROLE = "agency_officer"  # an officer of another border agency (safelane.agencies.register names them)


@dataclass(frozen=True)
class Scope:
    """Who is looking, and the filer and office they are confined to (None: no limit of that kind)."""

    actor: str
    role: str
    filer: str | None = None
    office: str | None = None
    operator: str | None = None  # a trader: the register operator it speaks for (its filer "" matches no filing)
    agency: str | None = None  # an agency officer: its agency's code; it sees only what its agency needs to know

    @classmethod
    def of(
        cls,
        name: str,
        role: str,
        *,
        filer: str | None = None,
        office: str | None = None,
        operator: str | None = None,
        agency: str | None = None,
    ) -> "Scope":
        """The scope of a stored user: a filer is confined to its organisation, only an officer to its office, a
        trader to the consignments naming its operator (and through every other repository to nothing), an
        agency officer to its agency's consignments (and its office, if posted). An agency officer without an
        agency gets the agency "" and sees nothing."""
        customs = role in CUSTOMS_ROLES
        trader = role == "trader"
        agent = role == AGENCY_ROLE
        return cls(
            name,
            role,
            None if customs or agent else ("" if trader else (filer or "")),
            office if role in ("officer", AGENCY_ROLE) else None,
            (operator or "") if trader else None,
            (agency or "") if agent else None,
        )

    @property
    def is_customs(self) -> bool:
        return self.role in CUSTOMS_ROLES

    @property
    def is_partial(self) -> bool:
        """True when a filing may hold consignments this caller does not see (it then sees only its part)."""
        return self.office is not None or self.agency is not None

    @property
    def acts_for_customs(self) -> bool:
        """Whether this caller may set or change customs' channel, referral or release (agencies never may)."""
        return self.is_customs

    def sees(self, filer: str, office: str | None, *, agencies: frozenset[str] | None = None) -> bool:
        """Whether one consignment (by its filer and office) is in scope. For an agency officer `agencies` are the
        agencies whose requirement or scope the consignment falls under; unknown (None) means not seen."""
        if self.agency is not None and (agencies is None or self.agency not in agencies):
            return False
        return (self.filer is None or filer == self.filer) and (self.office is None or office == self.office)

    def sees_office(self, office: str | None) -> bool:
        """Whether office-wide records (settings, capacity, seizures) of `office` are in scope."""
        return self.office is None or office == self.office

    def office_shown(self, asked: str | None) -> str | None:
        """The office a page of office figures shows when `asked` for one: a posted officer's own, whatever it
        asks (counts over offices would tell it about the others); for the others the one asked (None: all)."""
        return self.office or asked

    def clause(self, filer: Any, office: Any, consignment: Any = None) -> sa.ColumnElement[bool]:
        """The same rule as `sees`, over the filer and office columns of a query. For an agency officer the
        consignment id column (by default the one of the filer column's table) must be in its agency's scope:
        its agency's rows of safelane.store.schema.agency_scope, written with the assessment at ingest
        (its goods in the agency's competence, one of its rules hit it, or it holds a requirement)."""
        parts: list[sa.ColumnElement[bool]] = []
        if self.agency is not None:
            from safelane.store.schema import agency_scope

            column = consignment if consignment is not None else filer.table.c.consignment_id
            # a semi-join driven from the agency's few index rows: SQLite then reads only those consignments'
            # decisions, where a correlated EXISTS tested every decision (benchmarks/agency_scope.py)
            mine = sa.select(agency_scope.c.consignment_id).where(agency_scope.c.agency == self.agency)
            parts.append(column.in_(mine))
        if self.filer is not None:
            parts.append(filer == self.filer)
        if self.office is not None:
            parts.append(office == self.office)
        return sa.and_(sa.true(), *parts)
