"""What a screening hit demands of the decision: the one policy setting of this package.

A strong hit (score at or above `strong`, or a shared identifier) names a listed party on the filing:
pre-loading air cargo gets the referral in `SAFELANE_SCREENING_REFERRAL` (RFS by default, so the cargo is
screened as high-risk while an officer confirms the hit; set DNL where policy is to stop loading until the
hit is cleared), and declarations and cargo reports go to the red channel. A possible hit (between
`possible` and `strong`) asks for information (RFI) or a documentary check (yellow) instead. `Settings` reads
the policy from the environment.
"""

from dataclasses import dataclass

from safelane.domain import Channel, Referral

# POSSIBLE is the operating threshold: the best-F1 point on nomenklatura's name_bench, which 5-fold
# cross-validation also picks (0.75-0.77, docs/screening.md). STRONG is a stricter cut set by hand where
# name_bench precision passes 0.9, because a strong hit stops or holds cargo on its own.
POSSIBLE = 0.75
STRONG = 0.88


@dataclass(frozen=True)
class ScreeningPolicy:
    possible: float = POSSIBLE
    strong: float = STRONG
    strong_referral: Referral = Referral.RFS
    strong_channel: Channel = Channel.RED
    possible_referral: Referral = Referral.RFI
    possible_channel: Channel = Channel.YELLOW
    strong_score: float = 95.0  # contribution to the risk score on the 0-100 scale
    possible_score: float = 50.0
