"""Tables. Primary keys are generated in Python (sortable ids), so batch inserts need no round trip back."""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC in, timezone-aware UTC out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; safelane keeps UTC with its zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_period(conn: sa.Connection, column: Any, *, hourly: bool = False) -> Any:
    """The UTC hour ('2026-11-20 08:00') or day ('2026-11-20') of a time, computed by the database."""
    if conn.dialect.name == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", column), "YYYY-MM-DD HH24:00" if hourly else "YYYY-MM-DD")
    return sa.func.strftime("%Y-%m-%d %H:00" if hourly else "%Y-%m-%d", column)  # SQLite keeps naive UTC text


def seconds_between(conn: sa.Connection, later: Any, earlier: Any) -> Any:
    """`later - earlier` in seconds, computed by the database: only one number per row crosses to Python."""
    if conn.dialect.name == "postgresql":
        return sa.func.extract("epoch", later - earlier)
    return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 86400.0


JSON = sa.JSON().with_variant(JSONB(), "postgresql")
Id = sa.String(32)


def chained() -> list[Any]:
    """The columns of a row in the audit hash chain (store/audit_chain.py): its place and its link."""
    return [
        sa.Column("seq", sa.BigInteger, nullable=False, unique=True),  # one sequence over both event tables
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("chain_hash", sa.String(64), nullable=False),  # SHA-256 of prev_hash and the row's content
    ]


filings = sa.Table(
    "filings",
    metadata,
    sa.Column("filing_id", Id, primary_key=True),
    sa.Column("filer", sa.String(70), nullable=False),
    sa.Column("document_number", sa.String(70), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # active | withdrawn
    sa.Column("current_version", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("filer", "document_number"),
)

filing_versions = sa.Table(
    "filing_versions",
    metadata,
    sa.Column("version_id", Id, primary_key=True),
    sa.Column("filing_id", Id, sa.ForeignKey("filings.filing_id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("message_type", sa.String(32), nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("filed_at", UTCDateTime, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("filing", JSON, nullable=False),  # the validated filing header; consignments are rows of their own
    sa.Column("raw", sa.LargeBinary, nullable=True),  # the message as received, if it held this filing alone
    sa.UniqueConstraint("filing_id", "version"),
)

consignments = sa.Table(
    "consignments",
    metadata,
    sa.Column("row_id", Id, primary_key=True),
    sa.Column("consignment_id", Id, nullable=False, index=True),  # stable across versions
    sa.Column("version_id", Id, sa.ForeignKey("filing_versions.version_id"), nullable=False, index=True),
    sa.Column("filing_id", Id, sa.ForeignKey("filings.filing_id"), nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),  # order in the filing
    sa.Column("current", sa.Boolean, nullable=False),
    sa.Column("reference", sa.String(70), nullable=False),
    sa.Column("filer", sa.String(70), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("office", sa.String(17), nullable=True),
    sa.Column("filed_at", UTCDateTime, nullable=False, index=True),
    sa.Column("data", JSON, nullable=False),
)

assessments = sa.Table(
    "assessments",
    metadata,
    sa.Column("assessment_id", Id, primary_key=True),
    sa.Column("row_id", Id, sa.ForeignKey("consignments.row_id"), nullable=False, index=True),
    sa.Column("assessed_at", UTCDateTime, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("findings", JSON, nullable=False),
    sa.Column("versions", JSON, nullable=False),  # profile set revision, list and model versions used
)

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("decision_id", Id, primary_key=True),
    sa.Column("row_id", Id, sa.ForeignKey("consignments.row_id"), nullable=False, index=True),
    sa.Column("assessment_id", Id, sa.ForeignKey("assessments.assessment_id"), nullable=False),
    sa.Column("consignment_id", Id, nullable=False, index=True),
    sa.Column("filer", sa.String(70), nullable=False, index=True),
    sa.Column("answer", sa.String(8), nullable=False),  # referral | channel
    sa.Column("outcome", sa.String(24), nullable=False, index=True),
    sa.Column("state", sa.String(16), nullable=False, index=True),  # open | answered | closed
    sa.Column("current", sa.Boolean, nullable=False),
    sa.Column("basis", sa.Text, nullable=False),
    sa.Column("reasons", JSON, nullable=False),  # the findings that caused it
    sa.Column("random", sa.Boolean, nullable=False),
    sa.Column("decided_at", UTCDateTime, nullable=False, index=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    # selection under capacity (safelane.selection.capacity) and the officer's case (safelane.cases)
    sa.Column("selection", sa.String(16), nullable=True),  # mandatory | risk | random | exploration
    sa.Column("inspection", sa.String(16), nullable=True),  # documentary | nii | physical | referral
    sa.Column("office", sa.String(17), nullable=True, index=True),
    sa.Column("score", sa.Float, nullable=True),  # the assessment's score, to sort the queue without a join
    sa.Column("assigned_to", sa.String(70), nullable=True),
    sa.Column("deadline", UTCDateTime, nullable=True),  # when the goods move (Lodgement.deadline): the queue's clock
    # a re-assessment's decision names the one it replaced on the same consignment row (Pipeline.reassess)
    sa.Column("replaces", Id, nullable=True, index=True),
)

decision_reasons = sa.Table(  # which findings caused a decision, one row each: profile effectiveness reads it
    "decision_reasons",
    metadata,
    sa.Column("decision_id", Id, sa.ForeignKey("decisions.decision_id"), primary_key=True),
    sa.Column("assessor", sa.String(32), primary_key=True),
    sa.Column("code", sa.String(200), primary_key=True),
    sa.Index("ix_decision_reasons_assessor_code", "assessor", "code"),
)

decision_events = sa.Table(
    "decision_events",
    metadata,
    sa.Column("event_id", Id, primary_key=True),
    sa.Column("decision_id", Id, sa.ForeignKey("decisions.decision_id"), nullable=False, index=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(70), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("from_outcome", sa.String(24), nullable=True),
    sa.Column("to_outcome", sa.String(24), nullable=False),
    sa.Column("from_state", sa.String(16), nullable=True),
    sa.Column("to_state", sa.String(16), nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("data", JSON, nullable=True),
    *chained(),
)

audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("event_id", Id, primary_key=True),
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(70), nullable=False),
    sa.Column("action", sa.String(48), nullable=False),
    sa.Column("subject", sa.String(140), nullable=True),
    sa.Column("detail", JSON, nullable=True),
    *chained(),
    sa.Index("ix_audit_events_action_subject", "action", "subject"),  # e.g. a name's refused sign-ins
)

receipts = sa.Table(  # filings accepted into the spool while the store was down, and their answer once forwarded
    "receipts",
    metadata,
    sa.Column("receipt_id", Id, primary_key=True),
    sa.Column("filer", sa.String(70), nullable=True),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("forwarded_at", UTCDateTime, nullable=False),
    sa.Column("answer", JSON, nullable=False),  # {"status": "assessed", "filings": [...]} as the API answers
)

audit_chain = sa.Table(  # the head of the one hash chain over both event tables: locked to append (audit_chain.py)
    "audit_chain",
    metadata,
    sa.Column("chain", sa.String(16), primary_key=True),  # "events"
    sa.Column("seq", sa.BigInteger, nullable=False),  # the newest row's sequence number, 0 when empty
    sa.Column("hash", sa.String(64), nullable=False),  # the newest row's hash
)

audit_anchors = sa.Table(  # chain heads a verification confirmed: where the workbench and /healthz carry on from
    "audit_anchors",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("source", sa.String(16), nullable=False),  # verify (a full walk) | anchor (exported)
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("user_id", Id, primary_key=True),
    sa.Column("name", sa.String(70), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),  # filer | officer | supervisor | admin
    sa.Column("filer", sa.String(70), nullable=True),  # the organisation a filer files for
    sa.Column("office", sa.String(17), nullable=True),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=True),  # workbench sign-in (scrypt); API calls use the key
    sa.Column("operator_id", Id, nullable=True),  # the register operator a trader key speaks for (role "trader")
    sa.Column("agency", sa.String(32), nullable=True),  # an agency officer's agency (safelane.agencies.register)
)

web_sessions = sa.Table(  # signed-in workbench users; only the token's SHA-256 is kept
    "web_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_name", sa.String(70), nullable=False),
    sa.Column("csrf", sa.String(64), nullable=False),  # the form token every POST must carry
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
)

office_settings = sa.Table(  # inspection capacity and sampling per customs office; "*" is the default
    "office_settings",
    metadata,
    sa.Column("office", sa.String(17), primary_key=True),
    sa.Column("settings", JSON, nullable=False),  # {"capacity": {"physical": 20, ...}, "random_rate": 0.01, ...}
    sa.Column("changed_at", UTCDateTime, nullable=False),
    sa.Column("changed_by", sa.String(70), nullable=False),
)

profiles = sa.Table(
    "profiles",
    metadata,
    sa.Column("profile_id", sa.String(64), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("owner", sa.String(64), nullable=False),
    sa.Column("source", sa.Text, nullable=False),  # the YAML as written
    sa.Column("status", sa.String(16), nullable=False),  # draft | active | inactive
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(70), nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
)

# -- watch-list screening (safelane.screening, store/lists.py) --------------------------------------------

list_versions = sa.Table(
    "list_versions",
    metadata,
    sa.Column("version_id", Id, primary_key=True),
    sa.Column("list_name", sa.String(64), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),  # 1, 2, ... per list
    sa.Column("source", sa.String(16), nullable=False),  # un-xml | ofac-sdn | ofac-cons | bis-dpl | ftm | csv
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),  # of the entries, so a re-import is a no-op
    sa.Column("imported_at", UTCDateTime, nullable=False),
    sa.Column("imported_by", sa.String(70), nullable=False),
    sa.Column("entries", sa.Integer, nullable=False),
    sa.Column("added", sa.Integer, nullable=False),
    sa.Column("changed", sa.Integer, nullable=False),
    sa.Column("removed", sa.Integer, nullable=False),
    sa.UniqueConstraint("list_name", "version"),
)

list_entries = sa.Table(  # the entries of each list's newest version, as FollowTheMoney entity JSON
    "list_entries",
    metadata,
    sa.Column("list_name", sa.String(64), primary_key=True),
    sa.Column("entity_id", sa.String(200), primary_key=True),
    sa.Column("schema", sa.String(32), nullable=False),
    sa.Column("caption", sa.Text, nullable=False),
    sa.Column("data", JSON, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("since_version", sa.Integer, nullable=False),  # version that added or last changed it
)

list_changes = sa.Table(
    "list_changes",
    metadata,
    sa.Column("change_id", Id, primary_key=True),
    sa.Column("version_id", Id, sa.ForeignKey("list_versions.version_id"), nullable=False, index=True),
    sa.Column("entity_id", sa.String(200), nullable=False),
    sa.Column("change", sa.String(8), nullable=False),  # added | changed | removed
    sa.Column("before", JSON, nullable=True),
    sa.Column("after", JSON, nullable=True),
)

screening_hits = sa.Table(  # hits found by re-screening stored consignments after a list changed
    "screening_hits",
    metadata,
    sa.Column("hit_id", Id, primary_key=True),
    sa.Column("consignment_id", Id, nullable=False, index=True),
    sa.Column("consignment_version", sa.Integer, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),  # consignor, consignee, notify_party, carrier, declarant
    sa.Column("list_name", sa.String(64), nullable=False),
    sa.Column("entity_id", sa.String(200), nullable=False),
    sa.Column("list_version_id", Id, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("detected_at", UTCDateTime, nullable=False),
    sa.Column("finding", JSON, nullable=False),
)

model_versions = sa.Table(  # the learned risk model's registry: every trained model is a version
    "model_versions",
    metadata,
    sa.Column("version_id", Id, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False),  # e.g. fraud
    sa.Column("number", sa.Integer, nullable=False),  # 1, 2, ... per name
    sa.Column("status", sa.String(16), nullable=False, index=True),  # candidate | active | retired
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(70), nullable=False),
    sa.Column("activated_at", UTCDateTime, nullable=True),
    sa.Column("previous_id", Id, nullable=True),  # the version that was active when this one was activated
    sa.Column("source", sa.String(255), nullable=False),  # training data: a file and its mapping, or the store
    sa.Column("window_from", sa.Date, nullable=False),  # first and last declaration date learnt from
    sa.Column("window_to", sa.Date, nullable=False),
    sa.Column("features", JSON, nullable=False),
    sa.Column("metrics", JSON, nullable=False),
    sa.Column("card", sa.Text, nullable=False),  # the model card, Markdown
    sa.Column("artefact", sa.LargeBinary, nullable=False),
    sa.Column("artefact_sha256", sa.String(64), nullable=False),
    sa.UniqueConstraint("name", "number"),
)

inspection_outcomes = sa.Table(  # what an inspection found: the labels the model learns from
    "inspection_outcomes",
    metadata,
    sa.Column("outcome_id", Id, primary_key=True),
    sa.Column("row_id", Id, sa.ForeignKey("consignments.row_id"), nullable=False, index=True),
    sa.Column("consignment_id", Id, nullable=False, index=True),
    sa.Column("method", sa.String(32), nullable=False),  # physical | documentary | non_intrusive | ...
    sa.Column("result", sa.String(16), nullable=False),  # no_irregularity | irregularity | seizure
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("recorded_by", sa.String(70), nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("decision_id", Id, nullable=True, index=True),  # the selection it answers (workbench outcomes)
    sa.Column("selection", sa.String(16), nullable=True),  # copied from it: targeted and random hit rates
)

seizures = sa.Table(  # a seizure found by an inspection, in the WCO Customs Enforcement Network's terms
    "seizures",
    metadata,
    sa.Column("seizure_id", Id, primary_key=True),
    sa.Column("outcome_id", Id, sa.ForeignKey("inspection_outcomes.outcome_id"), nullable=False, index=True),
    sa.Column("consignment_id", Id, nullable=False, index=True),
    sa.Column("office", sa.String(17), nullable=True),
    sa.Column("commodity", sa.String(64), nullable=False),  # CEN commodity category, e.g. cocaine, cigarettes
    sa.Column("hs_code", sa.String(10), nullable=True),
    sa.Column("quantity", sa.Float, nullable=False),
    sa.Column("unit", sa.String(8), nullable=False),  # kg, g, l, pieces, ...
    sa.Column("concealment", sa.String(64), nullable=False),  # concealment method
    sa.Column("detection", sa.String(64), nullable=False),  # detection method
    sa.Column("offence", sa.String(64), nullable=False),  # offence type
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("recorded_at", UTCDateTime, nullable=False, index=True),
    sa.Column("recorded_by", sa.String(70), nullable=False),
)

case_notes = sa.Table(  # an officer's notes, document requests and assignments on a consignment
    "case_notes",
    metadata,
    sa.Column("note_id", Id, primary_key=True),
    sa.Column("consignment_id", Id, nullable=False, index=True),
    sa.Column("decision_id", Id, nullable=True),
    sa.Column("kind", sa.String(24), nullable=False),  # note | document_request | assignment
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("data", JSON, nullable=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(70), nullable=False),
)

disruptions = sa.Table(  # declared disruptions and their continuity plans (issue 15); ending is an explicit act
    "disruptions",
    metadata,
    sa.Column("disruption_id", Id, primary_key=True),
    sa.Column("kind", sa.String(24), nullable=False),  # port_closure | system_outage | surge | ...
    sa.Column("scope", JSON, nullable=False),  # {"offices": [...], "modes": [...], "routes": [...], "origins": [...]}
    sa.Column("plan", JSON, nullable=False),  # tiers, documentary measure, extra capacity, expected hours
    sa.Column("starts_at", UTCDateTime, nullable=False),
    sa.Column("expected_end", UTCDateTime, nullable=True),
    sa.Column("ended_at", UTCDateTime, nullable=True, index=True),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("declared_at", UTCDateTime, nullable=False),
    sa.Column("declared_by", sa.String(70), nullable=False),
    sa.Column("ended_by", sa.String(70), nullable=True),
)

decision_priorities = sa.Table(  # a decision's place in the queue order: continuity tier, trusted-trader priority
    "decision_priorities",
    metadata,
    sa.Column("decision_id", Id, sa.ForeignKey("decisions.decision_id"), primary_key=True),
    # its continuity tier while a disruption covers it (all four None: none did), also for the filer's answer
    sa.Column("disruption_id", Id, nullable=True, index=True),
    sa.Column("tier", sa.SmallInteger, nullable=True),
    sa.Column("reason", sa.String(300), nullable=True),
    sa.Column("expected_hours", sa.Float, nullable=True),
    # the `queue_priority` benefit of the trusted trader it facilitated (0: none; selection.facilitation)
    sa.Column("trusted", sa.SmallInteger, nullable=False, server_default="0"),
)

# -- strategic goods licences (safelane.risk.strategic, store/licences.py) --------------------------------

licences = sa.Table(  # licences and permits granted for controlled goods, checked against the ones filings declare
    "licences",
    metadata,
    sa.Column("reference", sa.String(70), primary_key=True),  # normalised: no spaces, upper case
    sa.Column("list", sa.String(64), nullable=False),  # the control list it was granted under
    sa.Column("holder", sa.String(512), nullable=False),
    sa.Column("holder_identifier", sa.String(64)),
    sa.Column("hs_prefix", sa.String(10)),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_to", sa.Date),
    sa.Column("source", sa.String(255), nullable=False),  # the file it was loaded from
    sa.Column("loaded_at", UTCDateTime, nullable=False),
    sa.Column("loaded_by", sa.String(70), nullable=False),
)

# -- trusted traders (safelane.traders, store/traders.py) -------------------------------------------------

trader_operators = sa.Table(  # economic operators known to the register
    "trader_operators",
    metadata,
    sa.Column("operator_id", Id, primary_key=True),
    sa.Column("name", sa.String(512), nullable=False),
    sa.Column("name_key", sa.String(600), nullable=False, index=True),  # country + normalised name
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("street", sa.String(512), nullable=True),
    sa.Column("city", sa.String(512), nullable=True),
    sa.Column("postcode", sa.String(17), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

trader_register_revision = sa.Table(  # one row: bumped by every register write, so a change check reads one row
    "trader_register_revision",
    metadata,
    sa.Column("register", sa.Integer, primary_key=True),  # always 1
    sa.Column("revision", sa.Integer, nullable=False),
)

trader_identifiers = sa.Table(  # EORI, TIN, AEO/C-TPAT/MID numbers, IATA/ICAO codes; a value names one operator
    "trader_identifiers",
    metadata,
    sa.Column("value", sa.String(64), primary_key=True),  # compact: capitals and digits only
    sa.Column("scheme", sa.String(16), nullable=False),
    sa.Column("operator_id", Id, sa.ForeignKey("trader_operators.operator_id"), nullable=False, index=True),
)

trader_authorisations = sa.Table(  # one per operator, programme and type; its status lives in the history
    "trader_authorisations",
    metadata,
    sa.Column("authorisation_id", Id, primary_key=True),
    sa.Column("operator_id", Id, sa.ForeignKey("trader_operators.operator_id"), nullable=False, index=True),
    sa.Column("programme", sa.String(16), nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("number", sa.String(64), nullable=True),
    sa.Column("administration", sa.String(32), nullable=True),
    sa.Column("valid_from", sa.Date, nullable=True),
    sa.Column("valid_to", sa.Date, nullable=True),
    sa.Column("conditions", sa.Text, nullable=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("operator_id", "programme", "type"),
)

trader_status_changes = sa.Table(  # applied, under_audit, certified, suspended, revoked, expired: who, when, why
    "trader_status_changes",
    metadata,
    sa.Column("change_id", Id, primary_key=True),
    sa.Column(
        "authorisation_id",
        Id,
        sa.ForeignKey("trader_authorisations.authorisation_id"),
        nullable=False,
        index=True,
    ),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("effective_at", UTCDateTime, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("actor", sa.String(70), nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False, index=True),
)

trader_documents = sa.Table(  # AEO 2.0: what an operator shares of its own data (safelane.traders.shared)
    "trader_documents",
    metadata,
    sa.Column("document_id", Id, primary_key=True),
    sa.Column("operator_id", Id, sa.ForeignKey("trader_operators.operator_id"), nullable=False),
    sa.Column("kind", sa.String(24), nullable=False),  # purchase_order | commercial_invoice | packing_list | ...
    sa.Column("reference", sa.String(70), nullable=False),  # the document's own id (a seal record: its equipment)
    sa.Column("transport_document", sa.String(35), nullable=False, index=True),  # compact AWB / B/L: the link
    sa.Column("data", JSON, nullable=False),  # the document as validated, canonical JSON
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(70), nullable=False),
    sa.UniqueConstraint("operator_id", "kind", "reference"),
)

trader_links = sa.Table(  # which consignments name a data-sharing operator by identifier: the trader view's rows
    "trader_links",
    metadata,
    sa.Column("consignment_id", Id, primary_key=True),
    sa.Column("operator_id", Id, primary_key=True),
    sa.Column("roles", sa.String(70), nullable=False),  # the parties it is, "consignor consignee"
    sa.Column("filed_at", UTCDateTime, nullable=False),
    sa.Index("ix_trader_links_operator_id_filed_at", "operator_id", "filed_at"),
)

ecommerce_parcels = sa.Table(  # the splitting index: low-value parcels by consignee key, kept with each filing
    "ecommerce_parcels",
    metadata,
    sa.Column("consignment_id", Id, primary_key=True),
    sa.Column("match_key", sa.String(32), primary_key=True),  # a digest of a normalised consignee key
    sa.Column("key_kind", sa.String(16), nullable=False),  # name_address | phone | email | identifier
    sa.Column("destination", sa.String(8), nullable=False),
    sa.Column("filed_at", UTCDateTime, nullable=False),
    sa.Column("value", sa.Float, nullable=False),  # declared value in the currency of the limit it was under
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("reference", sa.String(70), nullable=False),
    sa.Index("ix_ecommerce_parcels_match_key_filed_at", "match_key", "filed_at"),
)

# -- coordinated border management (issue 14): agencies' requirements and every agency's release ------------

agency_requirements = sa.Table(  # each border agency's requirement on a consignment, from the decision that set it
    "agency_requirements",
    metadata,
    sa.Column("decision_id", Id, sa.ForeignKey("decisions.decision_id"), primary_key=True),
    sa.Column("agency", sa.String(32), primary_key=True),
    sa.Column("consignment_id", Id, nullable=False, index=True),
    sa.Column("action", sa.String(16), nullable=False),  # hold | documents | release | refuse
    sa.Column("explanation", sa.Text, nullable=False),
    sa.Column("documents", JSON, nullable=False),  # document codes required
    sa.Column("reasons", JSON, nullable=False),  # codes of the findings behind it
)

agency_scope = sa.Table(  # which agencies' need-to-know a consignment falls under: Scope.clause's index
    "agency_scope",
    metadata,
    sa.Column("consignment_id", Id, primary_key=True),
    sa.Column("agency", sa.String(32), primary_key=True, index=True),
    sa.Column("basis", sa.String(16), nullable=False),  # goods (its competence) | rule (a finding) | requirement
)

releases = sa.Table(  # a release (or refusal) of a consignment by customs or another agency: the TRS end point
    "releases",
    metadata,
    sa.Column("release_id", Id, primary_key=True),
    sa.Column("consignment_id", Id, nullable=False, index=True),
    sa.Column("agency", sa.String(32), nullable=False),  # "customs" or another agency's code
    sa.Column("kind", sa.String(16), nullable=False),  # released | refused
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(70), nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.UniqueConstraint("consignment_id", "agency"),  # one release per agency and consignment
)

# -- valuation (safelane.risk.value_history): the distributions saved, so a new process does not re-read the store

value_checkpoints = sa.Table(  # the declared-value sketches as counted up to a row id; the newest few are kept
    "value_checkpoints",
    metadata,
    sa.Column("checkpoint_id", Id, primary_key=True),
    sa.Column("high", Id, nullable=False),  # the newest consignment row counted in
    sa.Column("rows", sa.Integer, nullable=False),  # consignment rows counted in (amended ones counted out)
    sa.Column("data", sa.LargeBinary, nullable=False),  # zlib-compressed JSON: sketches and the margin's row ids
    sa.Column("made_at", UTCDateTime, nullable=False),
)

capacity_reservations = sa.Table(  # one row per office and day: the lock that makes capacity a database reservation
    "capacity_reservations",
    metadata,
    sa.Column("office", sa.String(17), primary_key=True),  # "" for consignments with no office
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("batches", sa.Integer, nullable=False),  # batches allocated under this lock (a count to inspect)
)

# -- joint inspections (issue 14 point 4): slots per office and agency, one inspection, each agency's result -----

inspection_slots = sa.Table(  # an agency's inspection day at an office; office "*" is the agency's default
    "inspection_slots",
    metadata,
    sa.Column("office", sa.String(17), primary_key=True),
    sa.Column("agency", sa.String(32), primary_key=True),  # "customs" or another agency's code
    sa.Column("place", sa.String(120), nullable=False),  # where its officers inspect (shed, border post)
    sa.Column("day_start", sa.Integer, nullable=False),  # minutes after 00:00 UTC of the first slot
    sa.Column("slot_minutes", sa.Integer, nullable=False),
    sa.Column("slots", sa.Integer, nullable=False),  # slots per day
    sa.Column("teams", sa.Integer, nullable=False),  # inspections it can join in one slot
    sa.Column("daily", sa.Integer, nullable=False),  # inspections it can join per day
    sa.Column("changed_at", UTCDateTime, nullable=False),
    sa.Column("changed_by", sa.String(70), nullable=False),
)

inspections = sa.Table(  # the one inspection of a consignment that customs and agencies selected
    "inspections",
    metadata,
    sa.Column("inspection_id", Id, primary_key=True),
    sa.Column("consignment_id", Id, nullable=False, unique=True),
    sa.Column("office", sa.String(17), nullable=True, index=True),
    sa.Column("place", sa.String(120), nullable=False),
    sa.Column("starts_at", UTCDateTime, nullable=False, index=True),
    sa.Column("ends_at", UTCDateTime, nullable=False),
    sa.Column("scheduled_at", UTCDateTime, nullable=False),
    sa.Column("scheduled_by", sa.String(70), nullable=False),
)

inspection_participants = sa.Table(  # an agency taking part in an inspection, and its result once recorded
    "inspection_participants",
    metadata,
    sa.Column("inspection_id", Id, sa.ForeignKey("inspections.inspection_id"), primary_key=True),
    sa.Column("agency", sa.String(32), primary_key=True),
    sa.Column("outcome", sa.String(40), nullable=True),  # the agency's own outcome code (cases/joint_outcomes)
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("recorded_at", UTCDateTime, nullable=True),
    sa.Column("recorded_by", sa.String(70), nullable=True),
)

# -- Time Release Study stamps (issue 15 point 4): what happened to the goods, as reported, once per kind ----------

trs_stamps = sa.Table(  # the actual departure and arrival (carrier or officer) and the start of customs' control
    "trs_stamps",
    metadata,
    sa.Column("consignment_id", Id, primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),  # arrival | departure | control_start
    sa.Column("at", UTCDateTime, nullable=False),  # when it happened
    sa.Column("recorded_at", UTCDateTime, nullable=False),  # when it was reported
    sa.Column("actor", sa.String(70), nullable=False),
    sa.Column("note", sa.Text, nullable=True),
)

# -- ePhyto certificates (issue 14 point 5) --

certificates = sa.Table(  # ePhyto certificates received (safelane.ephyto): one row per number and issuing country
    "certificates",
    metadata,
    sa.Column("certificate_id", sa.String(70), primary_key=True),  # the NPPO's number as printed
    sa.Column("number_key", sa.String(70), nullable=False, index=True),  # compacted: how filings quote it
    sa.Column("issuing_country", sa.String(3), primary_key=True),  # with the number, the key ("" if not given)
    sa.Column("status", sa.String(16), nullable=False),  # issued, on_hold, withdrawn, rejected, replaced
    sa.Column("replaces", sa.String(70), nullable=True),
    sa.Column("replaced_by", sa.String(70), nullable=True),
    sa.Column("parties_key", sa.String(200), nullable=True, index=True),  # consignor|consignee, normalised
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("data", JSON, nullable=False),  # Certificate.as_dict
    sa.Column("warnings", JSON, nullable=False),  # schema and reading warnings, as problems
    sa.Column("xml", sa.Text, nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("received_by", sa.String(70), nullable=False),
)

certificate_lookup = sa.Table(  # the keys a late certificate finds its consignment by (store.certificate_lookup)
    "certificate_lookup",
    metadata,
    sa.Column("row_id", Id, sa.ForeignKey("consignments.row_id"), primary_key=True),  # one consignment version
    sa.Column("kind", sa.String(10), primary_key=True),  # reference (a document number quoted) | parties
    sa.Column("key", sa.String(200), primary_key=True),  # compact(reference) or parties_key(consignor, consignee)
    sa.Index("ix_certificate_lookup_key", "key", "kind"),
)

# -- events out (issue 17 point 3): written in the transaction of the change, relayed to JetStream afterwards --

event_outbox = sa.Table(  # one row per event not yet relayed; the relay deletes it once JetStream has stored it
    "event_outbox",
    metadata,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(40), nullable=False),  # the CloudEvents id, sent as Nats-Msg-Id
    sa.Column("subject", sa.String(120), nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=False),  # the CloudEvents JSON envelope as published
    sa.Column("created_at", UTCDateTime, nullable=False),
)

# -- paperless documents (issue 14 point 6) --

documents = sa.Table(  # paperless documents attached to a consignment (safelane.documents)
    "documents",
    metadata,
    sa.Column("document_id", Id, primary_key=True),
    sa.Column("consignment_id", Id, nullable=False, index=True),
    sa.Column("filer", sa.String(70), nullable=False),  # the consignment's filer: who may read it besides customs
    sa.Column("kind", sa.String(16), nullable=False),  # pdf | image | signed_xml
    sa.Column("media_type", sa.String(40), nullable=False),
    sa.Column("document_type", sa.String(40), nullable=False),  # commercial_invoice, a WCO code such as N851, ...
    sa.Column("filename", sa.String(120), nullable=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("storage", sa.String(16), nullable=False),  # database | file: which DocumentStore holds the bytes
    sa.Column("answers", Id, nullable=True),  # the decision whose RFI or document request it answered
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(70), nullable=False),
    sa.UniqueConstraint("consignment_id", "sha256"),
)

document_contents = sa.Table(  # the bytes, by SHA-256, when the database is the document store
    "document_contents",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)
