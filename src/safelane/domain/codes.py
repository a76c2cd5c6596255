"""Code lists: transport modes, filing kinds, PLACI referrals and declaration channels."""

from enum import StrEnum


class TransportMode(StrEnum):
    AIR = "air"
    SEA = "sea"
    ROAD = "road"
    RAIL = "rail"
    POSTAL = "postal"
    EXPRESS = "express"


AIR_MODES = frozenset({TransportMode.AIR, TransportMode.EXPRESS, TransportMode.POSTAL})


class FilingKind(StrEnum):
    """What the filing is for; it decides whether the answer is a referral or a channel."""

    PRE_LOADING = "pre_loading"  # PLACI: air cargo before loading at the last foreign airport
    PRE_ARRIVAL = "pre_arrival"  # entry summary / cargo report before arrival
    DECLARATION = "declaration"  # goods declaration for a customs procedure

    @property
    def answer(self) -> str:
        return "referral" if self is FilingKind.PRE_LOADING else "channel"

    @classmethod
    def default_for(cls, mode: TransportMode) -> "FilingKind":
        return cls.PRE_LOADING if mode in AIR_MODES else cls.PRE_ARRIVAL


class Referral(StrEnum):
    """PLACI referrals, least to most severe (ICS2 vocabulary)."""

    ASSESSMENT_COMPLETE = "ASSESSMENT_COMPLETE"
    RFI = "RFI"  # request for information
    RFS = "RFS"  # request for high-risk cargo and mail screening
    DNL = "DNL"  # do not load

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


class Channel(StrEnum):
    """Declaration channels, least to most intrusive."""

    GREEN = "green"  # release
    BLUE = "blue"  # release, post-clearance audit
    YELLOW = "yellow"  # documentary check
    RED = "red"  # physical or non-intrusive inspection

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY: dict[Referral | Channel, int] = {
    **{member: rank for rank, member in enumerate(Referral)},
    **{member: rank for rank, member in enumerate(Channel)},
}
