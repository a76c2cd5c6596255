"""Each border agency's requirement on a consignment, built from its findings beside customs' outcome.

An agency's findings (`Finding.agency`) become one `AgencyRequirement` per agency: the strictest action its hits
declare (a profile's `outcome.requirement`; a hit that declares none holds the goods for that agency), the
documents they ask for, and their explanations. Customs' own findings never make a requirement: customs answers
with its referral or channel.

A "documents" requirement is released once what it asks for has arrived (`received`: the document types
attached to the consignment), or, for a phytosanitary certificate, once a stored ePhyto matches the consignment
(an `EPHYTO-MATCH` finding and no mismatch). A mismatching ePhyto is a finding of its own that holds the goods,
so the agency's requirement stays a hold, with the mismatches as its reasons.
"""

from collections.abc import Collection, Sequence
from dataclasses import replace

from safelane.domain.assessment import AgencyRequirement, Assessment, Finding

#: From least to most severe: the strictest action among an agency's hits is its requirement.
SEVERITY = {"release": 0, "documents": 1, "hold": 2, "refuse": 3}
#: Document codes a matching ePhyto stands for: WCO data model N851, the phytosanitary certificate.
CERTIFIED_BY_EPHYTO = frozenset({"N851"})


def _action(finding: Finding) -> str:
    declared = finding.evidence.get("requirement")
    return declared if declared in SEVERITY else "hold"


def requirements_of(assessment: Assessment, received: Collection[str] = ()) -> tuple[AgencyRequirement, ...]:
    """The requirements of every agency whose rules hit, ordered by agency code; `received` are the document
    types attached to the consignment."""
    by_agency: dict[str, list[Finding]] = {}
    for finding in assessment.findings:
        if finding.agency:
            by_agency.setdefault(finding.agency, []).append(finding)
    have = set(received) | certified(assessment.findings)
    return tuple(_released(_requirement(agency, by_agency[agency]), have) for agency in sorted(by_agency))


def certified(findings: Sequence[Finding]) -> frozenset[str]:
    """The document codes a stored ePhyto certifies for the consignment: N851 when one matches and none
    disagrees (a withdrawn or mismatching certificate certifies nothing)."""
    codes = {f.code for f in findings if f.assessor == "ephyto"}
    return CERTIFIED_BY_EPHYTO if "EPHYTO-MATCH" in codes and "EPHYTO-MISMATCH" not in codes else frozenset()


def _released(requirement: AgencyRequirement, have: set[str]) -> AgencyRequirement:
    if requirement.action != "documents" or not requirement.documents or set(requirement.documents) - have:
        return requirement
    return replace(
        requirement,
        action="release",
        explanation=f"{requirement.explanation} Received: {', '.join(requirement.documents)}.",
        documents=(),
    )


def _requirement(agency: str, findings: Sequence[Finding]) -> AgencyRequirement:
    action = max((_action(f) for f in findings), key=SEVERITY.__getitem__)
    documents: list[str] = []
    for finding in findings:
        documents += [d for d in finding.evidence.get("documents", ()) if d not in documents]
    return AgencyRequirement(
        agency,
        action,
        " ".join(f.explanation for f in findings),
        tuple(documents) if action == "documents" else (),
        tuple(dict.fromkeys(f.code for f in findings)),
    )
