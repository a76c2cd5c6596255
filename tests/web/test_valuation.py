"""A valuation finding on the consignment page: the sentence, the distribution drawn as SVG with the declared value
marked, and the numbers beside it (templates run with StrictUndefined)."""

import html
import re

from safelane.risk.valuation import ValuationAssessor
from tests.factories import filing
from tests.risk.test_value_history import ordinary, phones
from tests.web.conftest import Bench
from tests.web.test_findings import findings_section


def test_the_value_distribution_is_drawn_with_the_declared_value_marked(bench: Bench) -> None:
    history = [phones(f"H-{i}", value) for i, value in enumerate(ordinary(60))]
    bench.file("acme", filing(*history, document_number="HIST-1"))
    for assessor in bench.system.pipeline.engine.assessors:
        if isinstance(assessor, ValuationAssessor):
            assessor.refresh()
    answer = bench.file("acme", filing(phones("LOW", 0.9), document_number="LOW-1"))
    section = findings_section(bench, answer["consignments"][0]["consignment_id"])
    assert "<h3>Declared value</h3>" in section
    assert "EUR 0.90/kg (EUR 9.00 for 10.0 kg) is below the 1st percentile of HS 851713 from CN" in section
    svg = section.split('<svg class="chart distribution"')[1].split("</svg>")[0]
    assert len(re.findall(r'<rect class="bar s0"', svg)) >= 5  # the declarations, in columns
    declared = re.search(r'<line class="declared" x1="([\d.]+)%"', svg)
    low = re.search(r'<g class="interval"><line x1="([\d.]+)%"', svg)
    assert declared and low and float(declared.group(1)) < float(low.group(1))  # left of the reference range
    assert "<dt>compared with</dt><dd>HS 851713 from CN, 60 declarations</dd>" in section
    assert "<dt>declared</dt><dd>EUR 9.00 = EUR 9.00 (ECB rate of 2026-" in html.unescape(section)
