"""The one path every entry point takes: parse, enrich, assess, decide, store, answer.

The HTTP API, the CLI, the demo and (later) the stream workers call `Pipeline`; none of them
re-implements a step. A batch is assessed and decided together and stored in one transaction,
so a filing is durable before it is acknowledged and a rejected one leaves only an audit event.
"""

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

import orjson
import sqlalchemy as sa

from safelane import formats
from safelane.domain import Assessment, Channel, Decision, Filing, Finding, InvalidMessage, Lodgement, Problem, Referral
from safelane.ids import consignment_id, new_id
from safelane.resilience.tiers import Continuity
from safelane.results import ConsignmentResult, FilingResult, holders
from safelane.risk.engine import RiskEngine
from safelane.scope import Scope
from safelane.selection import Offices, Policy, Usage, continuity, decide, facilitation
from safelane.selection.continuity import Priority
from safelane.selection.requirements import requirements_of
from safelane.store import Database
from safelane.store import disruptions as disruption_store
from safelane.store import documents as document_store
from safelane.store import filings as filing_store
from safelane.store import offices as office_store
from safelane.store import reassessments as reassessment_store
from safelane.store import reservations as reservation_store
from safelane.store.database import OUTAGES
from safelane.store.filing_rows import initial_state
from safelane.store.filings import Accepted, Assessed, KnownFiling, NewVersion, Saved

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


def canonical(filing: Filing) -> tuple[dict[str, Any], str]:
    """The filing as canonical JSON data, and its hash (what makes a resubmission identical)."""
    document = filing.model_dump(mode="json", exclude_none=True)
    return document, hashlib.sha256(orjson.dumps(document, option=orjson.OPT_SORT_KEYS)).hexdigest()


_Submission = tuple[Filing, str, bytes | None]  # filing, who submitted it, the message if it held only this


@dataclass
class _Ticket:
    """One caller's place in the group commit queue."""

    submissions: list[_Submission]
    results: list[FilingResult] = field(default_factory=list)
    error: BaseException | None = None
    done: bool = False


@dataclass(frozen=True)
class _Scored:
    """A batch assessed and decided as if capacity were unlimited, waiting for `Pipeline._allocate`."""

    items: list[tuple[Lodgement, Assessment]]
    decisions: list[Decision]
    priorities: list[Priority | None]


@dataclass(frozen=True)
class _Plan:
    """What the batch holds once compared with the store, by batch index."""

    new: dict[int, NewVersion]  # in batch order
    duplicates: dict[int, tuple[str, int]]  # (filing_id, version)
    conflicts: dict[int, Problem]


T = TypeVar("T")


def _split(flat: Sequence[T], sizes: Iterable[int]) -> list[list[T]]:
    """A flat list cut back into consecutive parts of the given sizes."""
    parts, start = [], 0
    for size in sizes:
        parts.append(list(flat[start : start + size]))
        start += size
    return parts


def _result(assessed: Assessed, saved: Saved | None = None) -> ConsignmentResult:
    d, a, p = assessed.decision, assessed.assessment, assessed.priority
    required = [r.as_dict() for r in d.requirements]
    return ConsignmentResult(
        assessed.lodgement.consignment_id,
        assessed.lodgement.consignment.reference,
        d.answer,
        d.outcome.value,
        a.score,
        d.basis,
        assessed.findings,
        saved.decision_id if saved else None,
        saved.state if saved else None,
        p.as_dict() if p else None,
        required,
        holders(d.answer, d.outcome.value, required),
    )


def _carried(decision: Decision, row: dict[str, Any], through: str = "the amendment") -> Decision:
    """An open RFS, DNL or selection for control stands through an amendment (or a re-assessment); the stricter
    outcome wins."""
    outcome: Referral | Channel = Referral(row["outcome"]) if row["answer"] == "referral" else Channel(row["outcome"])
    if decision.outcome.severity >= outcome.severity:
        return decision
    reasons = tuple(Finding.from_dict(f) for f in row["reasons"])
    basis = f"{outcome.value} on version {row['version']} stands through {through} ({row['basis']})"
    return Decision(row["answer"], outcome, basis, reasons, row["selection"], row["inspection"], decision.requirements)


def _reassessed(item: Assessed, stored: reassessment_store.Current, reason: str) -> tuple[Assessed, str | None]:
    """The re-assessed decision as it stands against the stored one, and its state; None: nothing changed."""
    old = stored.decision
    decision = item.decision
    if old["outcome"] != Referral.RFI.value:
        decision = _carried(decision, old, "the re-assessment")
    same_outcome = decision.outcome.value == old["outcome"]
    requirements = [r.as_dict() for r in decision.requirements]
    findings = orjson.loads(orjson.dumps(item.findings))  # as stored (JSON), to compare like with like
    if same_outcome and findings == stored.findings and requirements == stored.requirements:
        return item, None
    state = old["state"] if same_outcome else initial_state(decision)
    decision = replace(decision, basis=f"{reason}: {decision.basis}")
    return replace(item, decision=decision), state


class Pipeline:
    def __init__(
        self,
        engine: RiskEngine,
        policy: Policy,
        store: Database | None = None,
        clock: Callable[[], datetime] = utcnow,
        *,
        offices: Callable[[], Offices] | None = None,
        sample_key: bytes | None = None,
        continuity: Continuity | None = None,
    ):
        """`offices` gives the office settings (default: the store's, reloaded on change; without a store, the
        built-in default); `sample_key` keys the random sample and exploration draws (default: random);
        `continuity` gives the disruptions in force and the trusted traders (default: the store's disruptions,
        nobody trusted; without a store, no disruption)."""
        self.engine = engine
        self.policy = policy
        self.store = store
        self.clock = clock
        self.offices: Callable[[], Offices] = offices or (
            office_store.StoredOffices(store) if store is not None else Offices
        )
        self.sample_key = sample_key if sample_key is not None else os.urandom(32)
        self.continuity = continuity or Continuity(
            disruption_store.StoredDisruptions(store) if store is not None else list
        )
        self._queue: list[_Ticket] = []  # group commit: callers waiting for the next transaction
        self._queue_lock = threading.Lock()
        self._leader = threading.Lock()  # held by the caller that writes the current group

    # -- steps shared by every entry point -------------------------------------------------------

    def parse(
        self, data: bytes, *, filer: str | None, format: str | None = None, actor: str = "system"
    ) -> list[Filing]:
        """Bytes to validated filings; a rejection is audited (when storing) and re-raised with its locations."""
        try:
            return formats.parse(data, format=format, filer=filer)
        except InvalidMessage as error:
            self.reject(actor, error.problems, len(data))
            raise

    def _lodgements(self, filing: Filing, received_at: datetime, stored: bool) -> list[Lodgement]:
        filer = filing.filer or "anonymous"
        filed_at = filing.filed_at or received_at
        return [
            Lodgement(
                consignment_id(filer, filing.document_number, c.reference) if stored else c.reference,
                c,
                filing.filing_kind,
                filer,
                filed_at,
                filing.document_number,
                filing.version,
                filing.message_type,
            )
            for c in filing.consignments
        ]

    def offices_changed(self) -> None:
        """Office settings were changed here: use them from the next batch (other processes notice within a
        second)."""
        refresh = getattr(self.offices, "refresh", None)
        if refresh is not None:
            refresh()

    def disruptions_changed(self) -> None:
        """A disruption was declared or ended here: use it from the next batch."""
        refresh = getattr(self.continuity.disruptions, "refresh", None)
        if refresh is not None:
            refresh()

    def _assess(self, lodgements: Sequence[Lodgement], at: datetime, used: Usage | None = None) -> list[Assessed]:
        """Assess and decide a batch under capacity, and under the continuity plans in force at `at`; `used` is
        what earlier batches took today (none: nothing)."""
        return self._allocate(self._score(lodgements, at), at, used or Usage())

    def _score(self, lodgements: Sequence[Lodgement], at: datetime) -> "_Scored":
        """The expensive, capacity-free part: assessments, continuity priorities and uncapped decisions."""
        assessments = self.engine.assess(lodgements)
        items = list(zip(lodgements, assessments, strict=True))
        priorities = self.continuity(lodgements, at)
        return _Scored(items, continuity.relieve(decide(items, self.policy), priorities), priorities)

    def _allocate(
        self, scored: "_Scored", at: datetime, used: Usage, received: Mapping[str, set[str]] | None = None
    ) -> list[Assessed]:
        """Fit scored decisions to today's capacity (cheap: run inside the write transaction, under the
        capacity reservation, so workers in other processes cannot take the same places); `received` are the
        document types attached to each consignment (they release agencies' document requirements)."""
        received = received or {}
        decisions = continuity.allocate(
            scored.items,
            scored.decisions,
            [p.tier if p else None for p in scored.priorities],
            continuity.with_extra(self.offices(), self.continuity.extra_capacity(at)),
            used,
            self.policy,
            self.sample_key,
        )
        # every other border agency's requirement rides on the one decision (Single Window)
        decisions = [
            replace(d, requirements=requirements_of(a, received.get(lo.consignment_id, ())))
            for d, (lo, a) in zip(decisions, scored.items, strict=True)
        ]
        return [
            Assessed(lo, a, d, [f.as_dict() for f in a.findings], p, facilitation.queue_priority(a, d))
            for (lo, a), d, p in zip(scored.items, decisions, scored.priorities, strict=True)
        ]

    # -- without a store: the CLI's plain `assess` --------------------------------------------------

    def evaluate(self, batch: Sequence[Filing]) -> list[FilingResult]:
        received_at = self.clock()
        per_filing = [self._lodgements(f, received_at, stored=False) for f in batch]
        assessed = _split(self._assess([lo for los in per_filing for lo in los], received_at), map(len, per_filing))
        return [
            FilingResult("assessed", filing.document_number, filing.version, None, [_result(a) for a in items])
            for filing, items in zip(batch, assessed, strict=True)
        ]

    # -- with a store ----------------------------------------------------------------------------

    def submit_message(
        self, data: bytes, *, filer: str | None, actor: str, format: str | None = None
    ) -> list[FilingResult]:
        batch = self.parse(data, filer=filer, format=format, actor=actor)
        return self.submit(batch, actor=actor, raw=data if len(batch) == 1 else None)

    def submit(self, batch: Sequence[Filing], *, actor: str, raw: bytes | None = None) -> list[FilingResult]:
        """Store and answer a batch: new filings, amendments (higher version) and idempotent resubmissions.

        Concurrent callers are committed together (group commit): what queued while the previous
        transaction ran is written in the next one, with one sync to disk for all of it. Each caller
        still returns only once its own filings are durable.
        """
        store = self._require_store()
        ticket = _Ticket([(f, actor, raw if len(batch) == 1 else None) for f in batch])
        with self._queue_lock:
            self._queue.append(ticket)
        with self._leader:
            if not ticket.done:
                with self._queue_lock:
                    group, self._queue = self._queue, []
                self._commit_group(store, group)
        if ticket.error is not None:
            raise ticket.error
        return ticket.results

    def submit_each(
        self, messages: Sequence[tuple[Sequence[Filing], str, bytes | None]]
    ) -> list[list[FilingResult] | BaseException]:
        """Several senders' batches (filings, actor, raw message) committed together, each answered on its own:
        its results, or the error that kept it out (the spool's replay, which forwards many filers at once)."""
        store = self._require_store()
        group = [
            _Ticket([(f, actor, raw if len(batch) == 1 else None) for f in batch]) for batch, actor, raw in messages
        ]
        with self._leader:
            self._commit_group(store, group)
        return [ticket.error if ticket.error is not None else ticket.results for ticket in group]

    def _commit_group(self, store: Database, group: list["_Ticket"]) -> None:
        for ticket in group:
            ticket.done = True  # answered below, with results or an error
        try:
            results = self._submit_retrying(store, [s for t in group for s in t.submissions])
            for ticket, own in zip(group, _split(results, (len(t.submissions) for t in group)), strict=True):
                ticket.results = own
        except Exception as error:
            if len(group) == 1 or isinstance(error, OUTAGES):  # a store that is down is down for every caller
                for ticket in group:
                    ticket.error = error
                return
            for ticket in group:  # one caller's failure must not fail the others: commit each alone
                try:
                    ticket.results = self._submit_retrying(store, ticket.submissions)
                except Exception as own_error:
                    ticket.error = own_error

    def _submit_retrying(self, store: Database, submissions: list["_Submission"]) -> list[FilingResult]:
        for attempt in range(3):
            try:
                return self._submit_once(store, submissions)
            except sa.exc.IntegrityError:
                if attempt == 2:  # another process stored the same filing meanwhile: the next pass sees it
                    raise
        raise AssertionError("unreachable")

    def _submit_once(self, store: Database, submissions: list["_Submission"]) -> list[FilingResult]:
        received_at = self.clock()
        submissions, unknown = self._resolve_amendments(store, submissions)
        batch = [filing for filing, _, _ in submissions]
        with store.read() as conn:
            known = filing_store.known_filings(conn, [(f.filer or "anonymous", f.document_number) for f in batch])
        plan = self._plan(submissions, known, received_at)
        per_version = [self._lodgements(v.filing, received_at, stored=True) for v in plan.new.values()]
        scored = self._score([lo for los in per_version for lo in los], received_at)
        with store.write() as conn:
            offices = {lo.consignment.entry_office for lo, _ in scored.items}
            used = reservation_store.reserve(conn, offices, received_at)  # locks these offices' day until commit
            amended = [v.filing_id for v in plan.new.values() if not v.is_new]
            versions = zip(plan.new.values(), per_version, strict=True)
            refiled = [lo.consignment_id for v, los in versions if not v.is_new for lo in los]
            attached = document_store.types_of(conn, refiled)  # an amendment keeps what was attached before
            assessed = _split(self._allocate(scored, received_at, used, attached), map(len, per_version))
            open_rows = filing_store.open_decisions(conn, amended) if amended else []
            accepted, superseded = self._carry_over(list(plan.new.values()), assessed, open_rows, received_at)
            saved = filing_store.save(conn, accepted, superseded)
            self.engine.record(conn, [item for done in accepted for item in done.items])
        answers: dict[int, FilingResult] = {
            index: FilingResult("conflict", batch[index].document_number, batch[index].version, problems=[problem])
            for index, problem in (plan.conflicts | unknown).items()
        }
        for index, done, stored in zip(plan.new, accepted, saved, strict=True):
            filing = done.version.filing
            answers[index] = FilingResult(
                "accepted",
                filing.document_number,
                filing.version,
                done.version.filing_id,
                [_result(a, s) for a, s in zip(done.items, stored, strict=True)],
            )
        if plan.duplicates:
            with store.read() as conn:
                for index, (filing_id, version) in plan.duplicates.items():
                    filing = batch[index]
                    items = filing_store.results_of(conn, filing_id, version)
                    answers[index] = FilingResult("duplicate", filing.document_number, version, filing_id, items)
        return [answers[i] for i in range(len(batch))]

    def _resolve_amendments(
        self, store: Database, submissions: list["_Submission"]
    ) -> tuple[list["_Submission"], dict[int, Problem]]:
        """An amendment naming what it amends becomes the next version of it (or the current one, if it
        repeats it: a retried amendment is a replay, not a new version)."""
        wanted = {(f.filer or "anonymous", f.amends) for f, _, _ in submissions if f.amends}
        if not wanted:
            return submissions, {}
        with store.read() as conn:
            targets = filing_store.amendment_targets(conn, wanted)
            known = filing_store.known_filings(conn, [(filer, doc) for (filer, _), doc in targets.items()])
        resolved, unknown = [], {}
        for index, (filing, actor, raw) in enumerate(submissions):
            key = (filing.filer or "anonymous", filing.amends or "")
            if filing.amends and key not in targets:
                unknown[index] = Problem("amends", "nothing_to_amend", f"no filing {filing.amends} of this filer")
            elif filing.amends:
                stored = known[(key[0], targets[key])]
                filing = filing.model_copy(update={"document_number": targets[key], "version": stored.current_version})
                if canonical(filing)[1] != stored.hashes.get(stored.current_version):
                    filing = filing.model_copy(update={"version": stored.current_version + 1})
            resolved.append((filing, actor, raw))
        return resolved, unknown

    def _plan(
        self, submissions: list["_Submission"], known: dict[tuple[str, str], KnownFiling], received_at: datetime
    ) -> _Plan:
        plan = _Plan({}, {}, {})
        for index, (filing, actor, raw) in enumerate(submissions):
            if filing.amends and not known.get((filing.filer or "anonymous", filing.document_number)):
                continue  # names nothing this filer filed: refused by _resolve_amendments
            key = (filing.filer or "anonymous", filing.document_number)
            document, digest = canonical(filing)
            stored = known.get(key)
            if stored is not None and stored.status == "withdrawn":
                plan.conflicts[index] = Problem(
                    "document_number", "withdrawn", f"filing {filing.document_number} was withdrawn"
                )
                continue
            if stored is not None and filing.version in stored.hashes:
                if stored.hashes[filing.version] == digest:
                    plan.duplicates[index] = (stored.filing_id, filing.version)
                else:
                    plan.conflicts[index] = Problem(
                        "version",
                        "version_exists",
                        f"version {filing.version} of {filing.document_number} was filed with other content; "
                        f"file version {stored.current_version + 1} to amend it",
                    )
                continue
            if stored is not None and filing.version < stored.current_version:
                plan.conflicts[index] = Problem(
                    "version",
                    "stale_version",
                    f"version {stored.current_version} of {filing.document_number} is already filed",
                )
                continue
            filing_id = stored.filing_id if stored else new_id("F")
            known[key] = KnownFiling(
                filing_id, "active", filing.version, {**(stored.hashes if stored else {}), filing.version: digest}
            )
            plan.new[index] = NewVersion(
                filing,
                document,
                filing_id,
                stored is None,
                received_at,
                filing.filed_at or received_at,
                digest,
                raw,
                actor,
            )
        return plan

    def _carry_over(
        self,
        versions: Sequence[NewVersion],
        assessed: Sequence[Sequence[Assessed]],
        open_rows: list[dict[str, Any]],
        at: datetime,
    ) -> tuple[list[Accepted], list[dict[str, Any]]]:
        """Close open decisions of earlier versions: an RFI is answered by the amendment, the rest carry over.

        Returns the versions with their decisions as they stand after carry-over, and the decisions closed."""
        by_consignment: dict[str, list[dict[str, Any]]] = {}
        for row in open_rows:
            by_consignment.setdefault(row["consignment_id"], []).append(row)
        accepted, superseded = [], []
        for version, items in zip(versions, assessed, strict=True):
            carried = []
            for item in items:
                decision = item.decision
                for row in by_consignment.pop(item.lodgement.consignment_id, []):
                    answered = row["outcome"] == Referral.RFI.value
                    if not answered:
                        decision = _carried(decision, row)
                    action = "answered_by_amendment" if answered else "carried_to_amendment"
                    superseded.append(
                        {
                            **row,
                            "at": at,
                            "actor": version.actor,
                            "action": action,
                            "note": f"version {version.filing.version} filed",
                        }
                    )
                carried.append(item if decision is item.decision else replace(item, decision=decision))
            accepted.append(Accepted(version, tuple(carried)))
        actor_of = {v.filing_id: v.actor for v in versions}
        for rows in by_consignment.values():  # consignments the amendment no longer carries
            superseded += [
                {
                    **row,
                    "at": at,
                    "actor": actor_of.get(row["filing_id"], "safelane"),
                    "action": "removed_by_amendment",
                    "note": "the amendment no longer carries this consignment",
                }
                for row in rows
            ]
        return accepted, superseded

    def reassess(self, consignment_ids: Iterable[str], *, reason: str, actor: str) -> list[ConsignmentResult]:
        """Assess stored consignments again because something arrived that the assessors read (a certificate,
        a document), and store a new decision version for each whose assessment or decision changed.

        The same steps as a filing (assess, decide under capacity, store) on the current filing version; what
        an officer or an earlier decision set is not undone: a stricter outcome stands (`_carried`: a DNL, a
        screening hold, a red channel), an unchanged outcome keeps its state and officer. An RFI is the
        exception, as for an amendment: what arrived may be its answer. Nothing changed: nothing is stored, so
        a replay re-assesses nothing. Returns the new decisions."""
        store = self._require_store()
        ids = sorted(set(consignment_ids))
        if not ids:
            return []
        at = self.clock()
        with store.read() as conn:
            before = reassessment_store.current(conn, ids)
        if not before:
            return []
        scored = self._score([c.lodgement for c in before], at)
        with store.write() as conn:
            now = {c.lodgement.consignment_id: c for c in reassessment_store.current(conn, ids, for_update=True)}
            used = reservation_store.reserve(conn, {c.lodgement.consignment.entry_office for c in before}, at)
            attached = document_store.types_of(conn, ids)
            changed: list[tuple[reassessment_store.Current, Assessed, str]] = []
            for was, item in zip(before, self._allocate(scored, at, used, attached), strict=True):
                stored = now.get(was.lodgement.consignment_id)
                if stored is None or stored.decision["decision_id"] != was.decision["decision_id"]:
                    continue  # amended, withdrawn or re-assessed meanwhile: that version's own path decides
                item, state = _reassessed(item, stored, reason)
                if state is not None:
                    changed.append((stored, item, state))
            made = reassessment_store.save(conn, changed, at=at, actor=actor, reason=reason)
        return [_result(item, Saved(d, state)) for (_, item, state), d in zip(changed, made, strict=True)]

    def withdraw(self, filing_id: str, *, scope: Scope) -> dict[str, Any]:
        """Withdraw a filing as `scope.actor`; its open referrals and selections close.

        LookupError when the scope sees none of it (as for no such filing); PermissionError when it sees only a
        part: withdrawing closes every office's decisions, so an officer posted to one office may not."""
        store = self._require_store()
        at = self.clock()
        with store.write() as conn:
            found = filing_store.visible_filing(conn, filing_id, scope)
            if found is None:
                raise LookupError(filing_id)
            row, part = found
            if part is not None and part != filing_store.current_consignments(conn, filing_id):
                raise PermissionError(filing_id)
            if row["status"] == "withdrawn":
                return row
            filing_store.withdraw(conn, filing_id, at=at, actor=scope.actor)
            return {**row, "status": "withdrawn", "updated_at": at}

    def reject(self, actor: str, problems: list[Problem], size: int) -> None:
        """Record a rejected message: its problems and size, nothing of its content.

        A store that cannot take the audit event must not turn the filer's 4xx into a 5xx: the
        failure is logged and the rejection stands.
        """
        if self.store is None:
            return
        try:
            with self.store.write() as conn:
                filing_store.add_audit(
                    conn,
                    self.clock(),
                    actor,
                    "filing.rejected",
                    None,
                    {"bytes": size, "problems": [p.as_dict() for p in problems[:50]]},
                )
        except sa.exc.SQLAlchemyError:
            log.exception("could not record the rejection of a message from %s", actor)

    def _require_store(self) -> Database:
        if self.store is None:
            raise RuntimeError("this pipeline has no store")
        return self.store
