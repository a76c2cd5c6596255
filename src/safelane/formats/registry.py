"""Every standard safelane reads, once, in the order detection tries them.

XML standards are told apart by their root element; the others by their `detect` on the message's
head, tried in this order: EDIFACT, Cargo-IMP waybills, Cargo-IMP flight manifests, JSON lines, JSON,
then standards from installed packages (entry-point group `safelane.formats`, each a `Standard`), and
CSV last (its test, a comma in the first line, is the weakest).
"""

from functools import cache
from importlib.metadata import entry_points

from safelane.formats import (
    cargo_imp,
    cargo_xml,
    cargo_xml_manifest,
    cuscar,
    flight_manifest,
    ics_ens,
    native,
    outbound,
    wco_dms,
)
from safelane.formats.standard import Standard

ENTRY_POINTS = "safelane.formats"

BUILT_IN: tuple[Standard, ...] = (
    Standard(
        "cargo-xml",
        "IATA Cargo-XML waybills (XFWB, XFZB, XFHL)",
        cargo_xml.parse,
        "application/xml",
        answer="xcsn",
        message_types=tuple(cargo_xml.ROOTS.values()),
        xml_roots=frozenset(cargo_xml.ROOTS),
        answers_received={"CustomsStatusNotification": "XCSN customs status notification"},
    ),
    Standard(
        "xffm",
        "IATA Cargo-XML flight manifests (XFFM)",
        cargo_xml_manifest.parse,
        "application/xml",
        answer="xcsn",
        message_types=tuple(cargo_xml_manifest.ROOTS.values()),
        xml_roots=frozenset(cargo_xml_manifest.ROOTS),
    ),
    Standard(
        "ics-ens",
        "EU ICS entry summary declarations (IE315, IE313)",
        ics_ens.parse,
        "application/xml",
        answer="ics",
        message_types=tuple(ics_ens.ROOTS.values()),
        xml_roots=frozenset(ics_ens.ROOTS),
        answers_received=ics_ens.ANSWERS,
    ),
    Standard(
        "wco-dms",
        "WCO Data Model declarations (DMS)",
        wco_dms.parse,
        "application/xml",
        answer="dms-response",
        message_types=("DMS",),
        xml_roots=frozenset(wco_dms.ROOTS),
    ),
    Standard(
        "cuscar",
        "UN/EDIFACT CUSCAR cargo reports",
        cuscar.parse,
        "application/edifact",
        answer="cusres",
        message_types=("CUSCAR",),
        detect=cuscar.is_edifact,
        wide_text="refuse",
        charset="an EDIFACT 8-bit syntax (UNOA to UNOY)",
    ),
    Standard(
        "cargo-imp",
        "IATA Cargo-IMP waybills (FWB, FHL)",
        cargo_imp.parse,
        "text/plain",
        answer="csn",
        message_types=("FWB", "FHL"),
        detect=cargo_imp.is_cargo_imp,
        wide_text="refuse",
        charset="ASCII (Type B)",
    ),
    Standard(
        "ffm",
        "IATA Cargo-IMP flight manifests (FFM)",
        flight_manifest.parse,
        "text/plain",
        answer="csn",
        message_types=("FFM",),
        detect=flight_manifest.is_flight_manifest,
        wide_text="refuse",
        charset="ASCII (Type B)",
    ),
    Standard(
        "jsonl",
        "safelane JSON lines",
        native.parse_jsonl,
        "application/x-ndjson",
        answer="json",
        message_types=("safelane-jsonl",),
        detect=native.is_jsonl,
        wide_text="transcode",
    ),
    Standard(
        "json",
        "safelane JSON",
        native.parse_json,
        "application/json",
        answer="json",
        message_types=("safelane-json",),
        detect=native.is_json,
        wide_text="transcode",
    ),
    Standard(
        "csv",
        "safelane CSV",
        native.parse_csv,
        "text/csv",
        answer="json",
        message_types=("safelane-csv",),
        detect=native.is_csv,
        wide_text="transcode",
    ),
)


@cache
def standards() -> tuple[Standard, ...]:
    """Built-in standards and installed ones, in detection order (read once, on first use)."""
    installed = tuple(point.load() for point in entry_points(group=ENTRY_POINTS))
    for standard in installed:
        if not isinstance(standard, Standard) or standard.answer not in outbound.BY_NAME:
            raise TypeError(f"entry point {ENTRY_POINTS}: {standard!r} is not a Standard with a known answer")
    return (*BUILT_IN[:-1], *installed, BUILT_IN[-1])


def by_name() -> dict[str, Standard]:
    return {standard.name: standard for standard in standards()}
