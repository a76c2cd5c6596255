"""Operators and their authorisations as the registry holds them, and the status an authorisation had at a time.

The status has a history (applied, under audit, certified, suspended, revoked, expired), each change with the
date it takes effect, its reason, who recorded it and when. A consignment is judged by the status in effect at
its filing time: a suspension next week does not rewrite today's decision; a revocation yesterday applies today.
"""

import bisect
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

STATUSES = ("applied", "under_audit", "certified", "suspended", "revoked", "expired")
IDENTIFIER_SCHEMES = ("EORI", "TIN", "AEO", "CTPAT", "MID", "IATA", "ICAO")


def start_of(day: date) -> datetime:
    """A date as the UTC instant it begins: authorisations take effect from the start of their day."""
    return datetime.combine(day, time(), UTC)


@dataclass(frozen=True, slots=True)
class StatusChange:
    status: str
    effective_at: datetime  # when it takes effect (may be before it was recorded: a backdated revocation)
    reason: str
    actor: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class Authorisation:
    authorisation_id: str
    operator_id: str
    programme: str  # EU-AEO, US-CTPAT, ... (reference data programmes.csv)
    type: str  # AEOC, AEOS, AEOF, or the partner programme's tier
    number: str | None  # the certificate number as issued (DE AEOS 123...), when known
    administration: str | None  # the issuing administration or authority code (DE007600)
    valid_from: date | None
    valid_to: date | None  # the authorisation lapses at the start of this day
    conditions: str | None
    history: tuple[StatusChange, ...] = ()  # in order of effective_at, then recorded_at
    _starts: tuple[datetime, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.history, key=lambda c: (c.effective_at, c.recorded_at)))
        object.__setattr__(self, "history", ordered)
        object.__setattr__(self, "_starts", tuple(c.effective_at for c in ordered))

    def change_at(self, at: datetime) -> StatusChange | None:
        """The status change in effect at `at`, if any (the latest one taking effect at or before it)."""
        index = bisect.bisect_right(self._starts, at)
        return self.history[index - 1] if index else None

    def status_at(self, at: datetime) -> str | None:
        """The status at `at`: the history's, and 'expired' outside the validity dates of a certified one."""
        change = self.change_at(at)
        if change is None:
            return None
        if change.status == "certified" and not self.valid_on(at):
            return "expired"
        return change.status

    def valid_on(self, at: datetime) -> bool:
        return (self.valid_from is None or at >= start_of(self.valid_from)) and (
            self.valid_to is None or at < start_of(self.valid_to)
        )

    def certified_since(self, at: datetime) -> datetime | None:
        """When the certification in effect at `at` began (the first 'certified' of the run ending at `at`)."""
        index = bisect.bisect_right(self._starts, at)
        since = None
        for change in reversed(self.history[:index]):
            if change.status != "certified":
                break
            since = change.effective_at
        return since

    @property
    def label(self) -> str:
        """'EU-AEO AEOS DE AEOS 123' as officers name an authorisation."""
        return " ".join(p for p in (self.programme, self.type, self.number) if p)


@dataclass(frozen=True, slots=True)
class Operator:
    operator_id: str
    name: str
    country: str
    street: str | None = None
    city: str | None = None
    postcode: str | None = None
    identifiers: tuple[tuple[str, str], ...] = ()  # (scheme, compact value)
    authorisations: tuple[Authorisation, ...] = ()
