"""The demo's month: 30 days of history, then the last 24 hours up to now, each filing received as filed.

History days are smaller than the last day, received in three-hour batches (decisions within three hours
of filing; the last day's come seconds after), and are settled as the days pass: controls inspected and
referrals followed up some hours after their decisions, outcomes recorded. Halfway through and at the
end of the history a model is trained on the stored outcomes and activated, so the later history and the
last day are scored by it: its findings, risk-driven selections and exploration show beside the profiles'.
On the last day only what is old enough is settled, so the queue holds the day's open work with live
deadlines. Everything is a function of the seed and `now`.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from safelane.demo import agencies, declarations, document_answers, valuation
from safelane.demo.disruptions import Closure, declare_surge
from safelane.demo.followups import follow_up
from safelane.demo.inspections import Inspectors
from safelane.demo.model import train_and_activate
from safelane.demo.timeline import WINDOW, receive, record_arrivals, record_departures
from safelane.demo.traffic import Traffic, filings_of, generate_hours
from safelane.results import FilingResult
from safelane.risk.model.assessor import ModelAssessor
from safelane.risk.model.train import TrainingError
from safelane.system import System

DAY = timedelta(days=1)
HISTORY_WINDOW = timedelta(hours=3)  # history is received in three-hour batches, to keep the build short


@dataclass
class Month:
    """What was played: the last day's traffic and answers, outcomes and follow-ups, models trained."""

    today: Traffic | None = None
    results: list[FilingResult] = field(default_factory=list)
    history_consignments: int = 0
    found: Counter[str] = field(default_factory=Counter)
    followed: Counter[str] = field(default_factory=Counter)
    models: list[dict[str, Any]] = field(default_factory=list)
    agencies: dict[tuple[str, str], str] = field(default_factory=dict)  # planted for the agencies (demo/agencies.py)
    untrained: str | None = None  # why no model could be trained, if none was
    declared: int = 0  # goods declarations lodged after arrival (demo.declarations)
    closure: Closure | None = None  # the port closure declared and ended in the history (demo.disruptions)
    surge: str | None = None  # the surge declared at now and left in force


def _models_changed(system: System) -> None:
    """Score with the model just activated from the next batch on, not when the next periodic check sees it
    (which would make what is scored by which model depend on the machine's speed)."""
    for assessor in system.pipeline.engine.assessors:
        if isinstance(assessor, ModelAssessor):
            assessor.refresh()


def play(
    system: System,
    *,
    now: datetime,
    consignments: int,
    seed: int,
    history_days: int = 30,
    history_per_day: int = 100,
    progress: Callable[[int], None] = lambda consignments: None,
    before_today: Callable[[Traffic], None] = lambda traffic: None,
) -> Month:
    """Fill an empty store (profiles, users and offices already set) with the month up to `now`."""
    assert system.db is not None
    valuation.keep_time(system)
    month = Month()
    inspectors = Inspectors([], seed)
    today = now - DAY
    train_after = {history_days // 2, history_days} - {0}
    agencies.set_up(system.db, at=today - history_days * DAY)
    month.closure = closure = Closure(history_days, seed)

    def settle(until: datetime) -> None:
        assert system.db is not None
        record_departures(system.db, until=until, seed=seed)
        record_arrivals(system.db, until=until, seed=seed)
        month.followed += document_answers.answer(system.db, system.pipeline, now=until, seed=seed)
        agencies.settle(system.db, month.agencies, now=until)
        month.declared += declarations.lodge(
            system.db, system.pipeline, until=until, seed=seed, learn=inspectors.learn_declaration
        )
        month.found += inspectors.inspect(system.db, now=until)
        month.followed += follow_up(system.db, inspectors, now=until)

    for day in range(history_days):
        start = today - (history_days - day) * DAY
        traffic = generate_hours(start, history_per_day, seed)
        closure.before(system, day, start, traffic)
        month.agencies |= agencies.plant(system.db, traffic, seed, history=True)
        inspectors.learn(traffic)
        closure.answered(receive(system.pipeline, filings_of(traffic), window=HISTORY_WINDOW, progress=progress))
        month.history_consignments += traffic.consignments
        settle(start + DAY)
        if day + 1 in train_after:
            try:
                month.models.append(train_and_activate(system.db, at=start + DAY, seed=seed))
            except TrainingError as error:
                month.untrained = str(error)
            _models_changed(system)
    month.today = generate_hours(today, consignments, seed)
    valuation.undervalue(month.today, seed)
    month.agencies |= agencies.plant(system.db, month.today, seed, history=False)
    before_today(month.today)  # e.g. a trader shares its own data before filing (demo/traders.py)
    inspectors.learn(month.today)
    month.results = receive(system.pipeline, filings_of(month.today), window=WINDOW, progress=progress)
    settle(now)
    month.surge = declare_surge(system, now)
    return month
