"""The learned model as one more assessor: every consignment of a batch scored at once, with its reasons.

A lodgement maps to the model's fields as: importer = consignee, declarant = declarant, seller = consignor,
courier = carrier (each by its first identifier, else its name); HS code and origin of the principal goods item
(the one of highest value); office; departure = country of the place of loading (else the consignor's);
mode; net mass (else gross) and value summed over the goods items; the filing date as the date. Tax rate and
tax type are not in a lodgement and stay unknown.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from safelane.domain import Finding, Lodgement, Party
from safelane.risk.model import MODEL
from safelane.risk.model.dataset import Table, from_records
from safelane.risk.model.explain import explain, sentences
from safelane.risk.model.predict import score
from safelane.risk.model.registry import LoadedModel, StoredModel
from safelane.risk.registry import AssessorContext, AssessorSpec

#: Below this probability the finding carries the score and reasons as evidence but adds nothing to the risk.
REPORT_FROM = 0.5


def _party_key(party: Party | None) -> str:
    if party is None:
        return ""
    return party.identifiers[0].value if party.identifiers else party.name.strip().upper()


def record(lodgement: Lodgement, extra: Sequence[str] = ()) -> dict[str, Any]:
    c = lodgement.consignment
    principal = max(c.goods, key=lambda g: g.value.amount if g.value else 0.0)
    masses = [g.net_mass_kg or g.gross_mass_kg for g in c.goods]
    values = [g.value.amount for g in c.goods if g.value]
    consignor_country = c.consignor.country_code if c.consignor else None
    out: dict[str, Any] = {
        "id": lodgement.consignment_id,
        "day": (lodgement.filed_at.date().toordinal() - 719163),  # days since 1970-01-01
        "importer": _party_key(c.consignee),
        "declarant": _party_key(c.declarant),
        "seller": _party_key(c.consignor),
        "courier": _party_key(c.carrier),
        "office": c.office or "",
        "hs": principal.hs_code or "",
        "origin": principal.origin_country or consignor_country or "",
        "departure": c.itinerary.loading_country or consignor_country or "",
        "mode": c.mode.value,
        "mass": sum(m for m in masses if m) or None,
        "value": sum(values) if values else None,
        "tax_rate": None,
        "tax_type": "",
        "description": " ".join(g.description for g in c.goods if g.description),
    }
    for name in extra:
        out[name] = ""
    return out


def lodgement_table(lodgements: Sequence[Lodgement], extra: Sequence[str] = ()) -> Table:
    return from_records([record(lodgement, extra) for lodgement in lodgements], extra=tuple(extra))


class ModelAssessor:
    name = MODEL

    def __init__(self, source: Callable[[], LoadedModel | None], report_from: float = REPORT_FROM):
        self._source = source
        self._used: LoadedModel | None = None
        self.report_from = report_from

    def assess(self, lodgements: Sequence[Lodgement]) -> list[list[Finding]]:
        self._used = loaded = self._source()
        if loaded is None or not lodgements:
            return [[] for _ in lodgements]
        model = loaded.model
        table = lodgement_table(lodgements, model.encoder.extra)
        scored = score(model, table, critical=True)
        reasons = explain(model, table, scored.matrix)
        findings = []
        for i, (probability, why) in enumerate(zip(scored.probability.tolist(), reasons, strict=True)):
            text = f"learned model {loaded.label}: {probability:.0%} chance of an irregularity ({sentences(why)})"
            evidence = {
                "model_version": loaded.version_id,
                "model": loaded.label,
                "probability": round(float(probability), 4),
                "reasons": [r.as_dict() for r in why],
            }
            if scored.critical is not None:
                evidence["critical_probability"] = round(float(scored.critical[i]), 4)
            findings.append(
                [
                    Finding(
                        MODEL,
                        f"model:{loaded.label}",
                        round(100.0 * probability, 2) if probability >= self.report_from else 0.0,
                        text,
                        evidence,
                    )
                ]
            )
        return findings

    def refresh(self) -> None:
        """Use the newest active model from the next batch on (a running server notices within a second)."""
        refresh = getattr(self._source, "refresh", None)
        if refresh is not None:
            refresh()

    def versions(self) -> Mapping[str, str]:
        return {MODEL: f"{self._used.label} {self._used.version_id}"} if self._used else {}


def _build(context: AssessorContext) -> ModelAssessor | None:
    """Scores from the moment a version is activated in the database, until rolled back; none without one."""
    return ModelAssessor(StoredModel(context.db)) if context.db is not None else None


# No floors: the model ranks consignments by probability; what it may select is capacity's call.
SPEC = AssessorSpec(MODEL, "Learned model", _build, order=40, evidence="findings/model.html")
