"""Every setting, read from SAFELANE_* environment variables (one prefix, as operators expect).

This is the one module that reads the environment: assessors get their settings from `Settings`, a plugin
assessor its own SAFELANE_* variables from `Settings.options`.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from safelane.domain import Referral
from safelane.screening.policy import POSSIBLE, STRONG, ScreeningPolicy
from safelane.selection import Policy

PREFIX = "SAFELANE_"


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def screening_policy() -> ScreeningPolicy:
    referral = os.environ.get("SAFELANE_SCREENING_REFERRAL", "RFS").upper()
    if referral not in (Referral.RFS.value, Referral.DNL.value):
        raise ValueError("SAFELANE_SCREENING_REFERRAL must be RFS or DNL")
    return ScreeningPolicy(
        possible=_float("SAFELANE_SCREENING_POSSIBLE", POSSIBLE),
        strong=_float("SAFELANE_SCREENING_STRONG", STRONG),
        strong_referral=Referral(referral),
    )


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///safelane.db"
    profiles_dir: Path | None = None  # profiles read from a folder instead of the database
    max_body_bytes: int = 5 * 1024 * 1024
    log_level: str = "INFO"
    # Hardening: how long any wait on the database may last (seconds), and HSTS for deployments behind TLS.
    database_timeout: float = 10.0
    hsts_seconds: int = 0  # 0: no Strict-Transport-Security (set it only when every client reaches us over TLS)
    body_seconds: float = 60.0  # a request body must arrive within this time of the request's start
    audit_anchor_seconds: float = 3600.0  # how often the server logs the audit chain's head (0: never)
    policy: Policy = field(default_factory=Policy)
    screening: ScreeningPolicy = field(default_factory=ScreeningPolicy)
    # Every SAFELANE_* variable as read at start, for plugin assessors' own settings (docs/extending.md).
    options: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    # Keys the random compliance sample and exploration draws, so filers cannot predict them. Set the same
    # SAFELANE_SAMPLE_KEY in every process to make the draws reproducible; unset, each process makes its own.
    sample_key: bytes = field(default_factory=lambda: os.urandom(32), repr=False, compare=False)
    strict_templates: bool = False  # tests: a page reading a field that is not there fails instead of showing blank
    # Store-and-forward (docs/resilience.md): where filings wait while the store is down (None: answer 503 instead),
    # the spool folder's size limit (all processes' segments together), and how long a key seen before the outage
    # keeps working while it lasts.
    spool_dir: Path | None = None
    spool_max_bytes: int = 1024**3
    spool_key_grace: float = 3600.0
    # Paperless documents (docs/documents.md): the largest file a filer may attach, and the folder that keeps
    # their bytes (None: the database keeps them, in the transaction that records each document).
    document_max_bytes: int = 10 * 1024 * 1024
    documents_dir: Path | None = None
    spool_batch: int = 200  # spooled filings forwarded per transaction once the store is back
    nats_url: str = "nats://127.0.0.1:4222"  # stream mode: `serve --stream` and `worker` (docs/deployment.md)
    stream_ack_wait: float = 30.0  # seconds a worker may hold a batch before JetStream hands it to another
    # Events out (docs/events.md): write decisions, referral changes and releases to the outbox a worker relays.
    # `serve --stream` and `worker` always do; set it for any other process that changes decisions in stream mode.
    events_outbox: bool = False
    # The IPPC ePhyto Hub (docs/ephyto.md): its delivery service, how long one call may wait, and this NPPO's TLS
    # client certificate and key as the Hub issued them (and a CA file, if the Hub's is not in the system's).
    hub_url: str | None = None
    hub_timeout: float = 30.0
    hub_client_cert: Path | None = None
    hub_client_key: Path | None = None
    hub_ca_file: Path | None = None

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        env = os.environ
        policy = Policy(
            rfs_score=_float("SAFELANE_RFS_SCORE", Policy.rfs_score),
            rfi_score=_float("SAFELANE_RFI_SCORE", Policy.rfi_score),
            red_score=_float("SAFELANE_RED_SCORE", Policy.red_score),
            yellow_score=_float("SAFELANE_YELLOW_SCORE", Policy.yellow_score),
            blue_score=_float("SAFELANE_BLUE_SCORE", Policy.blue_score),
        )
        values: dict[str, object] = {
            "database_url": env.get("SAFELANE_DATABASE_URL", cls.database_url),
            "profiles_dir": Path(env["SAFELANE_PROFILES_DIR"]) if env.get("SAFELANE_PROFILES_DIR") else None,
            "max_body_bytes": int(env.get("SAFELANE_MAX_BODY_BYTES", cls.max_body_bytes)),
            "log_level": env.get("SAFELANE_LOG_LEVEL", cls.log_level),
            "database_timeout": _float("SAFELANE_DATABASE_TIMEOUT", cls.database_timeout),
            "hsts_seconds": int(env.get("SAFELANE_HSTS_SECONDS", cls.hsts_seconds)),
            "body_seconds": _float("SAFELANE_BODY_SECONDS", cls.body_seconds),
            "audit_anchor_seconds": _float("SAFELANE_AUDIT_ANCHOR_SECONDS", cls.audit_anchor_seconds),
            "policy": policy,
            "screening": screening_policy(),
            "options": {k: v for k, v in env.items() if k.startswith(PREFIX)},
            "strict_templates": env.get("SAFELANE_STRICT_TEMPLATES", "") in ("1", "true"),
            "spool_dir": Path(env["SAFELANE_SPOOL_DIR"]) if env.get("SAFELANE_SPOOL_DIR") else None,
            "spool_max_bytes": int(env.get("SAFELANE_SPOOL_MAX_BYTES", cls.spool_max_bytes)),
            "spool_key_grace": _float("SAFELANE_SPOOL_KEY_GRACE", cls.spool_key_grace),
            "document_max_bytes": int(env.get("SAFELANE_DOCUMENT_MAX_BYTES", cls.document_max_bytes)),
            "documents_dir": Path(env["SAFELANE_DOCUMENTS_DIR"]) if env.get("SAFELANE_DOCUMENTS_DIR") else None,
            "spool_batch": int(env.get("SAFELANE_SPOOL_BATCH", cls.spool_batch)),
            "nats_url": env.get("SAFELANE_NATS_URL", cls.nats_url),
            "stream_ack_wait": _float("SAFELANE_STREAM_ACK_WAIT", cls.stream_ack_wait),
            "events_outbox": env.get("SAFELANE_EVENTS_OUTBOX", "") in ("1", "true"),
            "hub_url": env.get("SAFELANE_EPHYTO_HUB_URL") or None,
            "hub_timeout": _float("SAFELANE_EPHYTO_HUB_TIMEOUT", cls.hub_timeout),
            "hub_client_cert": _path(env.get("SAFELANE_EPHYTO_HUB_CERT")),
            "hub_client_key": _path(env.get("SAFELANE_EPHYTO_HUB_KEY")),
            "hub_ca_file": _path(env.get("SAFELANE_EPHYTO_HUB_CA")),
        }
        if env.get("SAFELANE_SAMPLE_KEY"):
            values["sample_key"] = env["SAFELANE_SAMPLE_KEY"].encode()
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def database_shown(url: str) -> str:
    """A database URL as an operator should see it: a SQLite file by its absolute path (a relative one depends
    on the folder a command runs in), any password hidden."""
    import sqlalchemy as sa  # only when a database is named: settings load before any command's work

    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        parsed = parsed.set(database=str(Path(parsed.database).expanduser().resolve()))
    return parsed.render_as_string(hide_password=True)
