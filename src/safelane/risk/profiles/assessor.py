"""The profile assessor: every active profile in force at the filing time, applied to each lodgement."""

from collections.abc import Callable, Mapping, Sequence

from safelane.domain import Finding, Lodgement
from safelane.risk.profiles.match import ProfileSet


class ProfileAssessor:
    name = "profiles"

    def __init__(self, source: Callable[[], ProfileSet]):
        """`source` returns the current active set; the store's source refreshes when profiles change."""
        self._source = source
        self._used = source()

    def assess(self, lodgements: Sequence[Lodgement]) -> list[list[Finding]]:
        self._used = profiles = self._source()
        return [profiles.findings(lodgement) for lodgement in lodgements]

    def versions(self) -> Mapping[str, str]:
        return {"profiles": self._used.revision}
