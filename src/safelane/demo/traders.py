"""The demo's trusted traders: the home programme's AEOs among the demo importers, partners' AEOs among the
exporters (recognised under the EU's MRAs), and one AEO suspended halfway through the month.

Everything comes from the demo's own trader pools (`traffic._traders`), so the same companies that file every
day are the ones registered: importers by EORI (the identifier their filings carry), exporters by name and
country only (filings carry no identifier for them), so their facilitation is the weaker name match.
`synthetic` adds made-up operators, for the throughput benchmark's 100,000-operator register.
"""

import random
from datetime import date, datetime, timedelta

from safelane.demo.traffic import _traders
from safelane.store import traders as trader_store
from safelane.store.database import Database
from safelane.traders.importing import Row

PARTNERS = {
    "US": ("US-CTPAT", "TIER3"),
    "CN": ("CN-AEO", "ADVANCED"),
    "JP": ("JP-AEO", "AEO"),
    "GB": ("GB-AEO", "AEOS"),
}
HOME_TYPES = ("AEOF", "AEOS", "AEOC")
# Made-up operators spread over the EU's member states, as the EU's 18,000 authorisations are
SYNTHETIC_COUNTRIES = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip
REASON = "demo register"


def _row(line: int, party: dict, programme: str, type_: str, number: str, since: date, **changes: object) -> Row:
    address = party.get("address", {})
    identifiers = tuple((i["scheme"], i["value"]) for i in party.get("identifiers", []))
    values = {
        "line": line,
        "name": party["name"],
        "country": address.get("country") or party.get("country", ""),
        "street": address.get("street"),
        "city": address.get("city"),
        "postcode": address.get("postcode"),
        "identifiers": identifiers,
        "programme": programme,
        "type": type_,
        "number": number,
        "administration": address.get("country") or party.get("country"),
        "status": "certified",
        "effective": since,
        "valid_from": since,
        "valid_to": None,
        "conditions": None,
        "reason": REASON,
    }
    values.update(changes)
    return Row(**values)


def register_rows(seed: int, suspend_on: date | None = None, synthetic: int = 0) -> list[Row]:
    """The demo register as rows; the most frequent AEOF importer is suspended from `suspend_on`, if given."""
    rng = random.Random(f"safelane-demo-register:{seed}")
    pools = _traders(seed)
    rows: list[Row] = []
    suspended = False
    for party in pools.consignees.items:
        aeo = next((i["value"] for i in party.get("identifiers", []) if i["scheme"] == "AEO"), None)
        if aeo is None and rng.random() > 0.1:
            continue  # most importers hold no authorisation; a tenth hold an AEOC without quoting it
        since = date(2018 + int(rng.random() * 6), 1 + int(rng.random() * 12), 1)
        type_ = "AEOF" if aeo else "AEOC"
        rows.append(_row(len(rows) + 2, party, "EU-AEO", type_, aeo or f"AEOC{len(rows):05d}", since))
        if aeo and suspend_on is not None and not suspended:
            suspended = True
            rows.append(
                _row(
                    len(rows) + 2, party, "EU-AEO", type_, aeo, suspend_on, status="suspended", valid_from=since,
                    reason="demo: irregularities found in a post-clearance audit; suspended pending review",
                )
            )  # fmt: skip
    for party in pools.forwarders:
        rows.append(_row(len(rows) + 2, party, "EU-AEO", "AEOS", f"AEOS{len(rows):05d}", date(2020, 3, 1)))
    for country, (programme, type_) in PARTNERS.items():
        pick = pools.consignors.get(country)
        for party in pick.items[:5] if pick else []:
            rows.append(_row(len(rows) + 2, party, programme, type_, f"{programme}-{len(rows):05d}", date(2019, 6, 1)))
    for index in range(synthetic):
        country = SYNTHETIC_COUNTRIES[index % len(SYNTHETIC_COUNTRIES)]
        number = f"{country}X{index:014d}"  # an EORI-shaped number no demo filing carries
        party = {
            "name": f"Synthetic Operator {index:06d}",
            "country": country,
            "identifiers": [{"scheme": "EORI", "value": number}],
        }
        type_ = HOME_TYPES[index % 3]
        rows.append(_row(len(rows) + 2, party, "EU-AEO", type_, f"SYN{index:06d}", date(2021, 1, 1)))
    return rows


def load(db: Database, *, at: datetime, seed: int, suspend_on: date | None = None, synthetic: int = 0) -> str:
    """Register the demo's traders; returns a sentence for the demo's output."""
    rows = register_rows(seed, suspend_on, synthetic)
    with db.write() as conn:
        report = trader_store.import_rows(conn, rows, actor="demo", at=at, source="demo register")
    partners = ", ".join(sorted({r.programme for r in rows if r.programme != "EU-AEO"}))
    suspended = next((r for r in rows if r.status == "suspended"), None)
    note = f"; {suspended.name} suspended from {suspended.effective}" if suspended else ""
    return (
        f"{report.operators['added']} trusted traders registered ({report.authorisations['added']} authorisations: "
        f"EU-AEO and, under mutual recognition, {partners}{note})"
    )


def mid_month(first: datetime, days: int) -> date:
    """The day halfway through the demo's history: when its one suspension takes effect."""
    return (first + timedelta(days=max(1, days // 2))).date()
