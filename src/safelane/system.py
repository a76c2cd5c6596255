"""Assemble the parts once: database, profile source, assessors, policy, pipeline.

Every entry point (API, CLI, demo, benchmark) builds its pipeline here, so they all run the same
assessors with the same knowledge. The built-in assessors come from `DEFAULT_ASSESSORS`, others from
installed packages' `safelane.assessors` entry points (docs/extending.md).
"""

import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, overload

from safelane.ephyto import assessor as ephyto
from safelane.pipeline import Pipeline
from safelane.reference.tables import warm
from safelane.risk import ecommerce, manifest, placi, strategic, valuation
from safelane.risk.engine import RiskEngine
from safelane.risk.model import assessor as model
from safelane.risk.profiles import ProfileSet, load_folder
from safelane.risk.profiles import assessor as profiles
from safelane.risk.registry import AssessorContext, Assessors, AssessorSpec, installed
from safelane.screening import assessor as screening
from safelane.settings import Settings
from safelane.store import Database
from safelane.store import profiles as profile_store
from safelane.store.refreshing import Refreshing
from safelane.traders import facilitation as traders
from safelane.traders import sharing as trader_data
from safelane.traders.continuity import RegisteredTraders
from safelane.traders.facilitation import FacilitationAssessor

DEFAULT_ASSESSORS: list[AssessorSpec] = [
    profiles.SPEC,
    placi.SPEC,
    manifest.SPEC,
    screening.SPEC,
    strategic.SPEC,
    traders.SPEC,
    trader_data.SPEC,
    model.SPEC,
    ecommerce.SPEC,
    valuation.SPEC,
    ephyto.SPEC,
]


class StoredProfiles(Refreshing[ProfileSet]):
    """The active profiles in the database, rebuilt when they change."""

    def __init__(self, db: Database, check_every: float = 1.0):
        super().__init__(
            db, profile_store.revision, lambda conn: ProfileSet(profile_store.active(conn)), ProfileSet([]), check_every
        )


@dataclass(frozen=True)
class System:
    settings: Settings
    db: Database | None  # None only for a plain `assess` with profiles from a folder
    pipeline: Pipeline
    profiles: StoredProfiles | None  # None when the profiles come from a folder
    assessors: Assessors


@dataclass(frozen=True)
class StoredSystem(System):
    """A system over a database: what the server, the workbench and the demo run on."""

    db: Database


@overload
def build(
    settings: Settings,
    *,
    store: Literal[True] = True,
    profiles_dir: Path | None = None,
    assessors: Sequence[AssessorSpec] | None = None,
) -> StoredSystem: ...


@overload
def build(
    settings: Settings,
    *,
    store: bool,
    profiles_dir: Path | None = None,
    assessors: Sequence[AssessorSpec] | None = None,
) -> System: ...


def build(
    settings: Settings,
    *,
    store: bool = True,
    profiles_dir: Path | None = None,
    assessors: Sequence[AssessorSpec] | None = None,
) -> System:
    """Profiles come from a folder when one is given, else from the database's active ones; the assessors are
    `assessors` when given, else the built-in ones and the installed plugins.

    With store=False the pipeline writes nothing (the CLI's plain `assess`); the database is
    opened only if the profiles must come from it.
    """
    registry = Assessors([*DEFAULT_ASSESSORS, *installed()] if assessors is None else assessors)
    folder = profiles_dir or settings.profiles_dir
    db = None
    if store or folder is None:
        db = Database(settings.database_url, timeout=settings.database_timeout, outbox=settings.events_outbox)
        db.migrate()
    stored = None
    source: Callable[[], ProfileSet]
    if folder is not None:
        fixed = ProfileSet(load_folder(folder))
        source = lambda: fixed  # noqa: E731
    else:
        assert db is not None  # opened above when there is no folder
        source = stored = StoredProfiles(db)
    engine = RiskEngine(registry.build(AssessorContext(settings, db, source)))
    policy = replace(settings.policy, floor_assessors=registry.floors)
    settle()
    pipeline = Pipeline(engine, policy, db if store else None, sample_key=settings.sample_key)
    for assessor in engine.assessors:  # continuity tier 2 asks the trader register the facilitation assessor holds
        if isinstance(assessor, FacilitationAssessor):
            pipeline.continuity.trusted = RegisteredTraders(assessor.register, assessor.recognition)
    if db is not None:
        return StoredSystem(settings, db, pipeline, stored, registry)
    return System(settings, db, pipeline, stored, registry)


YOUNG_COLLECTION_THRESHOLD = 50_000
"""Container allocations (net of frees) between collections of the youngest generation (CPython's default: 700)."""


def settle() -> None:
    """Load the reference tables, move everything built so far out of the cyclic GC's reach, and collect less often.

    The tables are hundreds of thousands of long-lived objects; without the freeze every full collection
    rescans them, which doubled the cost of validating a consignment. A batch of filings then allocates
    millions of short-lived, mostly acyclic objects (freed by reference counting): at CPython's default of one
    young collection per 700 allocations, the batch in flight was traversed over and over and promoted to the
    old generation, whose full collections followed (docs/benchmarks.md, issue 16). The older generations keep
    their default ratios (10, 10).
    """
    warm()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])
