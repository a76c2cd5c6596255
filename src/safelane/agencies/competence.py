"""Which agencies' need-to-know a consignment falls under: its goods in an agency's competence (the register's
HS chapters, keywords and species), or an agency's rule that hit it, or an agency's requirement on it.

The answer is written beside the assessment at ingest (safelane.store.agency_scope), so an agency officer's
queries test one indexed row instead of re-reading the goods of every consignment.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from safelane.agencies.register import Agency, register
from safelane.domain.assessment import AgencyRequirement


def agencies_of(
    goods: Iterable[Mapping[str, Any]],
    findings: Iterable[Mapping[str, Any]] = (),
    requirements: Iterable[AgencyRequirement] = (),
    *,
    agencies: Mapping[str, Agency] | None = None,
) -> dict[str, str]:
    """The agencies concerned with one consignment, each with why: "requirement", "rule" or "goods" (the
    strongest reason first). `goods` are the consignment's goods items as stored (dicts with `hs_code` and
    `description`, either optional); `agencies` defaults to the register in force."""
    out: dict[str, str] = {r.agency: "requirement" for r in requirements}
    for finding in findings:
        code = finding.get("agency")
        if code:
            out.setdefault(str(code), "rule")
    items = [g for g in goods if isinstance(g, Mapping)]
    chapters = {_chapter(str(g["hs_code"])) for g in items if g.get("hs_code")}
    text = " ".join(str(g["description"]) for g in items if g.get("description")).lower()
    for code, agency in (register() if agencies is None else agencies).items():
        if code not in out and (
            not chapters.isdisjoint(agency.hs_chapters)
            or (text and any(word in text for word in agency.keywords + agency.species))
        ):
            out[code] = "goods"
    return out


def _chapter(hs_code: str) -> int:
    """The HS chapter of a code as stored (digits only, validated at parse: 6 to 10 digits); 0 when it has none."""
    return int(hs_code[:2]) if hs_code[:2].isdigit() else 0
