"""IATA Cargo-IMP FFM flight manifests: the air waybills a carrier loaded on one flight, as consignments.

Lines (FFM/8): the flight line `1/CX123/20NOV0630/HKG/B-HUD` (message part, carrier and flight
number, day and month of departure with an optional time, airport of departure, aircraft
registration); a point-of-unloading line (`FRA`, optionally with the scheduled arrival); then per
ULD a `ULD/` line (`ULD/BULK` for loose cargo) followed by its consignment lines
`176-12345675HKGFRA/T10K120.5MC0.6/PLASTIC TOYS` (air waybill, origin and destination, shipment
description code T total, P part, S split or D divided, pieces, K or L weight, MC volume, then for
a partial shipment T and the total pieces, and the manifest description), each with its SPH special
handling codes on a `/` line. `LAST` or `CONT` ends the part.

Each air waybill becomes one consignment under its number (its `master_document`, which links it to
the FWB or XFWB filed for it), with one goods item per manifest line (an AWB split over ULDs has one
line per ULD), the ULDs as equipment and the flight as transport means. The manifest gives no year,
so no departure time is read; the filing is named after flight, day and airport of departure.
Whether each AWB was filed before is the store's to say, not the reader's. Errors name the line.
"""

import re
from typing import Any

from safelane.domain import Filing, InvalidMessage, Problem
from safelane.formats.airports import to_locode
from safelane.formats.cargo_imp import Block, blocks_of, kilograms_of, security_of
from safelane.formats.located import Origins, build_filing

_IDENTIFIER = re.compile(r"^(FFM)/(\d+)\s*$")
_HEAD = re.compile(rb"^FFM/\d+\s*$", re.M)
_FLIGHT = re.compile(r"^(\d+)/([A-Z0-9]{2}[A-Z]?\d{1,4}[A-Z]?)/(\d{2}[A-Z]{3})(\d{4})?/([A-Z]{3})(?:/|$)")
_AWB = re.compile(
    r"^(\d{3})-?(\d{8})([A-Z]{3})([A-Z]{3})/([TPSD])(\d+)([KL])(\d+(?:\.\d+)?)"
    r"(?:MC\d+(?:\.\d+)?)?(?:T(\d+))?(?:/(.*))?$"
)
_TAGS = {"ULD", "SSR", "OSI", "COR", "OCI", "DIM", "SCI", "OSS", "SPH", "MOV"}  # not points of unloading


def is_flight_manifest(head: bytes) -> bool:
    """An FFM message identifier line, after any Type B envelope lines."""
    return _HEAD.search(head) is not None


def _line(block: Block) -> str:
    return "/".join([block.tag, *block.fields]) if block.tag else block.fields[0]


def parse(data: bytes, *, filer: str | None = None) -> list[Filing]:
    """One FFM to one pre-arrival filing of the air waybills on the flight."""
    _, blocks, first_line = blocks_of(data, _IDENTIFIER, "FFM/nn")
    origins = Origins(f"line {first_line}")
    flight = _FLIGHT.match(_line(blocks[0])) if blocks else None
    if flight is None:
        where = f"line {blocks[0].line}" if blocks else f"line {first_line + 1}"
        raise InvalidMessage(
            [
                Problem(
                    where,
                    "malformed_line",
                    "expected the flight line: part number, flight, "
                    "day and month, airport of departure "
                    "(e.g. 1/CX123/20NOV/HKG)",
                )
            ]
        )
    number = flight.group(2)
    problems: list[Problem] = []
    by_awb: dict[str, dict[str, Any]] = {}
    uld: str | None = None
    for block in blocks[1:]:
        if block.tag == "ULD":
            uld = (block.fields[0] if block.fields else "")[:17] or None
            uld = None if uld == "BULK" else uld
        elif block.tag and block.tag not in _TAGS:
            uld = None  # a point of unloading opens its own list of ULDs
        elif not block.tag and block.fields[0] not in ("LAST", "CONT"):
            _consignment(block, number, uld, by_awb, origins, problems)
    if problems:
        raise InvalidMessage(problems)
    if not by_awb:
        raise InvalidMessage([Problem(f"line {blocks[0].line}", "no_consignment", "the manifest lists no air waybill")])
    consignments = list(by_awb.values())
    for i, consignment in enumerate(consignments):
        for key, origin in consignment.pop("_origins").items():
            origins.note(f"consignments[{i}]{key}", origin)
    origins.note("document_number", f"line {blocks[0].line}")
    filing: dict[str, Any] = {
        "document_number": f"{number}/{flight.group(3)}/{flight.group(5)}",
        "message_type": "FFM",
        "kind": "pre_arrival",
        "consignments": consignments,
    }
    return [build_filing(filing, origins, filer=filer)]


def _consignment(
    block: Block,
    flight: str,
    uld: str | None,
    by_awb: dict[str, dict[str, Any]],
    origins: Origins,
    problems: list[Problem],
) -> None:
    """One consignment line: a goods item of its air waybill's consignment (opened at its first line)."""
    where = f"line {block.line}"
    match = _AWB.match(_line(block))
    if match is None:
        problems.append(
            Problem(
                where,
                "malformed_line",
                "expected a consignment line: air waybill, origin and "
                "destination, /shipment code, pieces, K|L weight "
                "(e.g. 176-12345675HKGFRA/T10K120.5/TOYS)",
            )
        )
        return
    awb = f"{match.group(1)}-{match.group(2)}"
    pieces, weight = int(match.group(6)), kilograms_of(float(match.group(8)), match.group(7))
    consignment = by_awb.get(awb)
    if consignment is None:
        consignment = by_awb[awb] = {
            "mode": "air",
            "master_document": awb,
            "goods": [],
            "transport_means": {"identifier": flight},
            "_origins": {"": where, ".master_document": where, ".goods": where},
        }
        if match.group(5) == "T":
            consignment["total_packages"], consignment["total_gross_mass_kg"] = pieces, weight
        elif match.group(9):
            consignment["total_packages"] = int(match.group(9))
        consignment["_origins"] |= {".total_packages": where, ".total_gross_mass_kg": where}
        itinerary = {
            key: code
            for key, code in (
                ("place_of_loading", to_locode(match.group(3))),
                ("place_of_unloading", to_locode(match.group(4))),
            )
            if code
        }
        if itinerary:
            consignment["itinerary"] = itinerary
            consignment["_origins"] |= {".itinerary": where}
    item: dict[str, Any] = {"packages": pieces, "gross_mass_kg": weight}
    if description := (match.group(10) or "").strip():
        item["description"] = description[:512]
    consignment["_origins"][f".goods[{len(consignment['goods'])}]"] = where
    consignment["goods"].append(item)
    if uld and uld not in consignment.setdefault("equipment", []):
        consignment["equipment"].append(uld)
    codes = {code for _, fields in block.more for code in fields}
    if status := security_of(codes, {}):
        consignment["security_status"] = status
