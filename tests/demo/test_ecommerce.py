"""The demo's e-commerce parcels: split orders and under-valued phones are planted, and caught; the ordinary
traffic around them gives no such finding."""

from datetime import date

from safelane.demo import ecommerce, filings_of, generate
from safelane.domain import Lodgement
from safelane.risk.ecommerce import EcommerceAssessor
from safelane.risk.ecommerce.tables import load


def test_split_orders_and_undervalued_phones_are_planted_and_caught() -> None:
    traffic = generate(date(2026, 11, 20), 6000)
    assert traffic.consignments == 6000
    planted = dict(traffic.ecommerce)
    assert set(planted.values()) == {ecommerce.SPLIT, ecommerce.UNDERVALUED}
    lodgements = [
        Lodgement(
            f"{f.document_number}/{c.reference}", c, f.filing_kind, f.filer or "", f.filed_at, f.document_number, 1
        )
        for f in filings_of(traffic)
        for c in f.consignments
    ]
    findings = EcommerceAssessor(load()).assess(lodgements)  # the whole day as one batch, in filing order
    caught: dict[tuple[str, str], set[str]] = {}
    for lodgement, found in zip(lodgements, findings, strict=True):
        codes = {f.code for f in found} & {ecommerce.SPLIT, ecommerce.UNDERVALUED}
        if codes:
            caught[(lodgement.document_number, lodgement.consignment.reference)] = codes
    assert caught == {key: {code} for key, code in planted.items()}
