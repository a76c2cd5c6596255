"""The assessor registry: each kind of check declares once what the rest of the platform needs to know of it.

A spec names the assessor (the `assessor` of its findings), gives officers its title and its place on the
consignment page, lists the settings it reads, says whether its findings may demand a referral or channel
floor (the decide step honours floors only from assessors that declare so), builds the assessor from the
assembled parts, and says how its evidence is shown. `system.build` assembles the built-in specs and those
installed packages declare in the `safelane.assessors` entry-point group, so an administration adds its own
check as a package of its own (docs/extending.md).
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

import sqlalchemy as sa

from safelane.risk.engine import Assessor
from safelane.risk.profiles import ProfileSet
from safelane.settings import Settings
from safelane.store import Database

GROUP = "safelane.assessors"
DEFAULT_EVIDENCE = "findings/default.html"  # every evidence key and value, as a definition list

#: Stored findings of one assessor (dicts as `Finding.as_dict` wrote them) and the consignment's parties as the
#: page shows them, read in the page's transaction; returns the findings with what their evidence partial needs.
Presenter = Callable[[sa.Connection, list[dict[str, Any]], Sequence[dict[str, Any]]], list[dict[str, Any]]]


class RegistryError(Exception):
    """An assessor cannot be registered: a broken plugin or a name taken twice. Raised when the system is built."""


@dataclass(frozen=True)
class AssessorContext:
    """What an assessor is built from: the settings, the database when there is one, the profiles in force."""

    settings: Settings
    db: Database | None
    profiles: Callable[[], ProfileSet]


@dataclass(frozen=True)
class AssessorSpec:
    """One kind of check as the platform knows it (docs/extending.md describes each field)."""

    name: str  # the `assessor` of its findings, its key in the recorded versions and in decision reasons
    title: str  # the heading officers read above its findings
    build: Callable[[AssessorContext], Assessor | None]  # None: it cannot run here (e.g. it needs the database)
    order: int = 100  # place on the consignment page, lowest first (built-ins use 10-40)
    floors: bool = False  # may its findings demand a referral or channel floor?
    settings: tuple[str, ...] = ()  # the SAFELANE_* variables it reads, through `Settings`
    # Jinja partial showing one finding `f` (its `evidence` and whatever `present` added); "package:path"
    # names a template inside an installed package, so a plugin ships its own.
    evidence: str = DEFAULT_EVIDENCE
    present: Presenter | None = None


def unknown(name: str) -> AssessorSpec:
    """How findings of an assessor no longer installed are shown: by name, after every known one."""
    return AssessorSpec(name, name.replace("_", " ").capitalize(), lambda context: None, order=1000)


class Assessors:
    """The specs a system runs, in page order; a name may be taken once."""

    def __init__(self, specs: Iterable[AssessorSpec]):
        by_name: dict[str, AssessorSpec] = {}
        for spec in specs:
            if spec.name in by_name:
                raise RegistryError(f"two assessors are named {spec.name!r}; each name may be registered once")
            by_name[spec.name] = spec
        self._by_name = dict(sorted(by_name.items(), key=lambda item: (item[1].order, item[0])))

    def __iter__(self) -> Iterator[AssessorSpec]:
        return iter(self._by_name.values())

    def spec(self, name: str) -> AssessorSpec:
        return self._by_name.get(name) or unknown(name)

    @property
    def floors(self) -> frozenset[str]:
        """The assessors whose floors the decide step honours."""
        return frozenset(spec.name for spec in self if spec.floors)

    def build(self, context: AssessorContext) -> list[Assessor]:
        """The assessors that can run in this context, in page order."""
        return [assessor for spec in self if (assessor := spec.build(context)) is not None]


def installed() -> list[AssessorSpec]:
    """The specs installed packages declare in the `safelane.assessors` group; a broken one fails naming its
    package, so a typo in a plugin stops the start instead of silently dropping a check."""
    found = []
    for point in entry_points(group=GROUP):
        package = point.dist.name if point.dist is not None else "an unknown package"
        where = f"assessor plugin {point.name!r} ({point.value}) of package {package}"
        try:
            spec = point.load()
        except Exception as error:
            raise RegistryError(f"{where} cannot be loaded: {type(error).__name__}: {error}") from error
        if not isinstance(spec, AssessorSpec):
            raise RegistryError(f"{where} is a {type(spec).__name__}, not an AssessorSpec")
        if spec.name != point.name:
            raise RegistryError(f"{where} declares the assessor {spec.name!r}; name the entry point {spec.name!r}")
        found.append(spec)
    return found
