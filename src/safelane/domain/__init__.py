"""Pure types of the WCO Data Model subset safelane uses. No I/O; imports nothing else of ours."""

from safelane.domain.assessment import Assessment, Decision, Finding
from safelane.domain.codes import Channel, FilingKind, Referral, TransportMode
from safelane.domain.consignment import (
    Address,
    Consignment,
    Document,
    GoodsItem,
    Identifier,
    Itinerary,
    Money,
    Party,
    TransportMeans,
)
from safelane.domain.filing import Filing, Lodgement
from safelane.domain.problems import InvalidMessage, Problem, problems_from_validation

__all__ = [
    "Address",
    "Assessment",
    "Channel",
    "Consignment",
    "Decision",
    "Document",
    "Filing",
    "FilingKind",
    "Finding",
    "GoodsItem",
    "Identifier",
    "InvalidMessage",
    "Itinerary",
    "Lodgement",
    "Money",
    "Party",
    "Problem",
    "Referral",
    "TransportMeans",
    "TransportMode",
    "problems_from_validation",
]
