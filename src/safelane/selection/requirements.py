"""Each border agency's requirement on a consignment, built from its findings beside customs' outcome.

An agency's findings (`Finding.agency`) become one `AgencyRequirement` per agency: the strictest action its hits
declare (a profile's `outcome.requirement`; a hit that declares none holds the goods for that agency), the
documents they ask for, and their explanations. Customs' own findings never make a requirement: customs answers
with its referral or channel.
"""

from collections.abc import Sequence

from safelane.domain.assessment import AgencyRequirement, Assessment, Finding

#: From least to most severe: the strictest action among an agency's hits is its requirement.
SEVERITY = {"release": 0, "documents": 1, "hold": 2, "refuse": 3}


def _action(finding: Finding) -> str:
    declared = finding.evidence.get("requirement")
    return declared if declared in SEVERITY else "hold"


def requirements_of(assessment: Assessment) -> tuple[AgencyRequirement, ...]:
    """The requirements of every agency whose rules hit, ordered by agency code."""
    by_agency: dict[str, list[Finding]] = {}
    for finding in assessment.findings:
        if finding.agency:
            by_agency.setdefault(finding.agency, []).append(finding)
    return tuple(_requirement(agency, by_agency[agency]) for agency in sorted(by_agency))


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
