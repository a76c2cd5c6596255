"""The demo's trusted traders: the home programme's AEOs among the demo importers, partners' AEOs among the
exporters (recognised under the EU's MRAs), and one AEO suspended halfway through the month.

Everything comes from the demo's own trader pools (`traffic._traders`), so the same companies that file every
day are the ones registered: importers by EORI (the identifier their filings carry), exporters by name and
country only (filings carry no identifier for them), so their facilitation is the weaker name match.
`synthetic` adds made-up operators, for the throughput benchmark's 100,000-operator register.
"""

import random
from datetime import date, datetime, timedelta

from safelane.demo.traffic import Traffic, _traders
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


# --- AEO 2.0 in the demo: one AEO shares its own data, one suspended AEO sees its own view ------------------

SHARING_USER, SUSPENDED_USER = "trader", "trader-suspended"
MISMATCHED_SEAL = "demo: the seal the trader affixed differs from the one filed"
_LETTERS = {c: v for c, v in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", [v for v in range(10, 39) if v % 11], strict=False)}


def container_number(owner: str, serial: int) -> str:
    """An ISO 6346 container number: owner code and category 'U', six digits, the check digit (the values of the
    ten characters weighted by powers of two, modulo 11, 10 written as 0)."""
    body = f"{owner[:3].upper()}U{serial % 1_000_000:06d}"
    total = sum((_LETTERS[c] if c.isalpha() else int(c)) * 2**i for i, c in enumerate(body))
    return f"{body}{total % 11 % 10}"


def _eori(party: dict) -> str:
    return next(i["value"] for i in party.get("identifiers", []) if i["scheme"] == "EORI")


def _aeo_importers(seed: int) -> list[dict]:
    """The importers holding an AEOF and quoting its number, most frequent first (the first is the one suspended)."""
    return [p for p in _traders(seed).consignees.items if any(i["scheme"] == "AEO" for i in p.get("identifiers", []))]


def add_trader_users(db: Database, *, at: datetime, seed: int) -> dict[str, tuple[str, str]]:
    """Trader keys (and workbench passwords, for the trader view) for the suspended AEO and the one sharing its
    data; name -> (API key, password), shown once like the other demo users'."""
    import secrets

    from safelane.store import users as user_store

    suspended, sharing = _aeo_importers(seed)[:2]
    credentials = {}
    with db.write() as conn:
        for name, party in ((SUSPENDED_USER, suspended), (SHARING_USER, sharing)):
            [operator] = [o for o in trader_store.search(conn, _eori(party)) if o.name == party["name"]]
            key = user_store.add(conn, name, "trader", at=at, operator_id=operator.operator_id, actor="demo")
            password = secrets.token_urlsafe(9)
            user_store.set_password(conn, name, password, at=at, actor="demo")
            credentials[name] = (key, password)
    return credentials


def share_today(db: Database, traffic: Traffic, *, seed: int) -> str:
    """The sharing AEO's data for its consignments of the last 24 hours, before they are filed: a packing list
    (pieces, weight, parties, goods) and the seals it affixed to the container or ULD its forwarder files. For
    its first consignment the seal it shares differs from the one filed, so that filing gets an explained
    documentary check (or an RFI before loading); the others read 'consistent with the trader's data'."""
    from safelane.store import trader_data as data_store
    from safelane.traders.shared import Kind, parse

    party = _aeo_importers(seed)[1]
    eori = _eori(party)
    with db.read() as conn:
        [operator] = [o for o in trader_store.search(conn, eori) if o.name == party["name"]]
    mine = [
        c
        for f in traffic.filings
        for c in f.get("consignments", [])
        if eori in {i["value"] for i in (c.get("consignee") or {}).get("identifiers", [])}
    ]
    at = traffic.start
    with db.write() as conn:
        for index, consignment in enumerate(mine):
            document = consignment.get("house_document") or consignment["master_document"]
            equipment = container_number("SLD", 100_000 + index)
            seal = f"SL{seed % 1000:03d}{index:05d}"
            consignment["equipment"], consignment["seals"] = [equipment], [seal]
            lines = [
                {k: g[k] for k in ("description", "hs_code", "packages", "gross_mass_kg", "origin_country") if g.get(k)}
                for g in consignment.get("goods", [])
            ]
            packing = {
                "id": f"PL-{document}",
                "transport_document": document,
                "consignee": consignment["consignee"],
                "lines": lines or [{"description": "goods"}],
                "equipment": [equipment],
            }
            if consignment.get("consignor"):
                packing["consignor"] = consignment["consignor"]
            affixed = f"SL{seed % 1000:03d}{index:05d}" if index else f"SL{seed % 1000:03d}9{index:04d}"
            sealed = {"transport_document": document, "equipment": equipment, "seals": [affixed]}
            for kind, data in ((Kind.PACKING_LIST, packing), (Kind.SEALS, sealed)):
                data_store.save(conn, operator.operator_id, kind, parse(kind, data), at=at, actor=SHARING_USER)
    return f"{party['name']} shared packing lists and seals for {len(mine)} of its consignments (one seal differs)"
