"""The profile assessor: every active profile in force at the filing time, applied to each lodgement."""

from collections.abc import Callable, Mapping, Sequence

from safelane.domain import Finding, Lodgement
from safelane.risk.profiles.match import PROFILES, ProfileSet
from safelane.risk.registry import AssessorContext, AssessorSpec


class ProfileAssessor:
    name = PROFILES

    def __init__(self, source: Callable[[], ProfileSet]):
        """`source` returns the current active set; the store's source refreshes when profiles change."""
        self._source = source
        self._used = source()

    def assess(self, lodgements: Sequence[Lodgement]) -> list[list[Finding]]:
        self._used = profiles = self._source()
        return [profiles.findings(lodgement) for lodgement in lodgements]

    def versions(self) -> Mapping[str, str]:
        return {PROFILES: self._used.revision}


def _build(context: AssessorContext) -> ProfileAssessor:
    return ProfileAssessor(context.profiles)


# A profile's outcome may force a referral or a channel: that is what analysts write them for.
SPEC = AssessorSpec(PROFILES, "Risk profiles", _build, order=10, floors=True)
