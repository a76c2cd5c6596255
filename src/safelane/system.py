"""Assemble the parts once: database, profile source, risk engine, policy, pipeline.

Every entry point (API, CLI, demo, benchmark) builds its pipeline here, so they all run the same
assessors with the same knowledge.
"""

import gc
from dataclasses import dataclass
from pathlib import Path

from safelane.pipeline import Pipeline
from safelane.reference.tables import warm
from safelane.risk.engine import RiskEngine
from safelane.risk.model.assessor import ModelAssessor
from safelane.risk.model.registry import StoredModel
from safelane.risk.placi import PlaciAssessor
from safelane.risk.profiles import ProfileSet, load_folder
from safelane.risk.profiles.assessor import ProfileAssessor
from safelane.screening.assessor import EMPTY as EMPTY_LISTS
from safelane.screening.assessor import ScreeningAssessor
from safelane.screening.policy import ScreeningPolicy
from safelane.screening.rescreen import StoredLists
from safelane.settings import Settings
from safelane.store import Database
from safelane.store import profiles as profile_store
from safelane.store.refreshing import Refreshing


class StoredProfiles(Refreshing[ProfileSet]):
    """The active profiles in the database, rebuilt when they change."""

    def __init__(self, db: Database, check_every: float = 1.0):
        super().__init__(db, profile_store.revision, lambda conn: ProfileSet(profile_store.active(conn)),
                         ProfileSet([]), check_every)


@dataclass
class System:
    settings: Settings
    db: Database | None
    pipeline: Pipeline
    profiles: "StoredProfiles | None"


def build(settings: Settings, *, store: bool = True, profiles_dir: Path | None = None) -> System:
    """Profiles come from a folder when one is given, else from the database's active ones.

    With store=False the pipeline writes nothing (the CLI's plain `assess`); the database is
    opened only if the profiles must come from it.
    """
    folder = profiles_dir or settings.profiles_dir
    db = None
    if store or folder is None:
        db = Database(settings.database_url, timeout=settings.database_timeout)
        db.migrate()
    stored = None
    if folder is not None:
        fixed = ProfileSet(load_folder(folder))
        source = lambda: fixed  # noqa: E731
    else:
        assert db is not None
        source = stored = StoredProfiles(db)
    lists = StoredLists(db) if db is not None else (lambda: EMPTY_LISTS)
    screening = ScreeningAssessor(lists, ScreeningPolicy.from_env())
    engine = RiskEngine([ProfileAssessor(source), PlaciAssessor(), screening])
    if db is not None:  # the learned model scores from the moment a version is activated, until rolled back
        engine.assessors.append(ModelAssessor(StoredModel(db)))
    settle()
    pipeline = Pipeline(engine, settings.policy, db if store else None, sample_key=settings.sample_key)
    return System(settings, db, pipeline, stored)


def settle() -> None:
    """Load the reference tables and move everything built so far out of the cyclic GC's reach.

    The tables are hundreds of thousands of long-lived objects; without this every collection
    rescans them, which doubled the cost of validating a consignment.
    """
    warm()
    gc.freeze()
