"""IATA Cargo-IMP text messages FWB (air waybill) and FHL (house manifest) as pre-loading filings.

Cargo-IMP is line-based: a line starts with a three-letter tag (SHP, CNE, RTD, OCI...) or, when it
continues the line above, with "/"; fields are separated by "/". Read:

- FWB: the consignment detail line (AWB number, origin and destination airports, pieces and weight),
  FLT (first flight), RTG (routing airports), SHP/CNE/NFY parties (account on the tag line, then
  name, street, place, and the coded line country/postcode), RTD rating lines with /NG or /NC goods
  description, /NH harmonised code, /NU ULD and /NO origin, SPH special handling (security status
  SPX/SCO/SHR/NSC), OCI other customs information (T tax ids for SHP/CNE, ISS/SS security status),
  ISU date of issue.
- FHL: MBI master line, then per HBS house line its TXT description, HTS codes, OCI and the house's
  SHP/CNE (name on the tag line).

A Type B envelope (address lines before the message identifier) is skipped. Errors name the line.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from safelane.domain import Filing, InvalidMessage, Problem
from safelane.formats.airports import to_locode
from safelane.formats.cargo_xml import SECURITY_CODES
from safelane.formats.located import Origins, build_filing
from safelane.formats.units import CARGO_IMP_WEIGHT, kilograms
from safelane.reference import hs_subheading_known

_START = re.compile(r"^(FWB|FHL)/(\d+)\s*$")
_IDENTIFIER = re.compile(rb"^(?:FWB|FHL)/\d+\s*$", re.M)
_TAG = re.compile(r"^([A-Z]{3})(?:/|$)")
_DETAIL = re.compile(r"^(\d{3}-?\d{8})([A-Z]{3})([A-Z]{3})/([A-Z])(\d+)([KL])(\d+(?:\.\d+)?)")
MAX_IMP_BYTES = 1024 * 1024
NATURE_OF_GOODS_WIDTH = 20  # an RTD /NG or /NC line holds 20 characters of the goods description
FREE_TEXT_WIDTH = 65  # an FHL TXT line holds 65


@dataclass
class Block:
    """A tagged line and the continuation lines ("/...") under it."""

    tag: str
    line: int
    fields: list[str]
    more: list[tuple[int, list[str]]] = field(default_factory=list)
    named: list[tuple[int, str, list[str]]] = field(default_factory=list)  # FWB/17 party lines: NAM, ADR, LOC


_PARTIES = ("SHP", "CNE", "NFY")
_PARTY_LINES = ("NAM", "ADR", "LOC")  # FWB/17 and FHL/5: name, street address, place (then the coded line)


def is_cargo_imp(head: bytes) -> bool:
    """A standard message identifier line (FWB/16, FHL/4), after any Type B envelope lines."""
    return _IDENTIFIER.search(head) is not None


def blocks_of(
    data: bytes, identifier: re.Pattern[str] = _START, what: str = "FWB/nn or FHL/nn"
) -> tuple[str, list[Block], int]:
    """The message's kind (FWB, FHL...), its lines as blocks after the message identifier, and that line's number."""
    if len(data) > MAX_IMP_BYTES:
        raise InvalidMessage(
            [
                Problem(
                    "$",
                    "too_large",
                    f"the message has {len(data):,} bytes; the limit for Cargo-IMP is {MAX_IMP_BYTES:,}",
                )
            ]
        )
    text = data.decode("latin-1").lstrip("\ufeff\xef\xbb\xbf")
    lines = [(n, line.rstrip()) for n, line in enumerate(text.splitlines(), start=1)]
    start = next((i for i, (_, line) in enumerate(lines) if identifier.match(line)), None)
    if start is None:
        raise InvalidMessage([Problem("line 1", "unknown_message", f"no {what} message identifier")])
    number, first = lines[start]
    kind = first[:3]  # FWB, FHL or FFM, as the identifier matched
    blocks: list[Block] = []
    for n, line in lines[start + 1 :]:
        if not line:
            continue
        if line.startswith("/"):
            if not blocks:
                raise InvalidMessage([Problem(f"line {n}", "out_of_place", "a continuation line opens the message")])
            if blocks[-1].named:
                blocks[-1].named.append((n, "", line[1:].split("/")))
            else:
                blocks[-1].more.append((n, line[1:].split("/")))
        elif (
            (match := _TAG.match(line))
            and match.group(1) in _PARTY_LINES
            and blocks
            and blocks[-1].tag in _PARTIES
            and not blocks[-1].more
        ):
            blocks[-1].named.append((n, match.group(1), line[4:].split("/")))
        elif match:
            blocks.append(Block(match.group(1), n, line[4:].split("/") if len(line) > 3 else []))
        else:  # the FWB consignment detail line has no tag
            blocks.append(Block("", n, [line]))
    return kind, blocks, number


def kilograms_of(weight: float | None, code: str) -> float | None:
    """A Cargo-IMP weight (code K or L) in kilograms."""
    return kilograms(weight, CARGO_IMP_WEIGHT[code]) if weight is not None else None


def _when(text: str) -> datetime | None:
    try:
        return datetime.strptime(text[:7].title(), "%d%b%y").replace(tzinfo=UTC)
    except ValueError:
        return None


class _Reader:
    def __init__(self, origins: Origins):
        self.origins = origins
        self.problems: list[Problem] = []

    def fail(self, line: int, code: str, message: str) -> None:
        self.problems.append(Problem(f"line {line}", code, message))

    def amount(self, text: str, line: int, *, whole: bool) -> float | int | None:
        try:
            return int(text) if whole else float(text)
        except ValueError:
            self.fail(line, "not_a_number", f"{text!r} is not {'a whole number' if whole else 'a number'}")
            return None

    def party(self, block: Block, path: str, *, name_on_tag: bool) -> dict[str, Any] | None:
        """SHP/CNE/NFY: [account], name, street lines, place line, coded line (country/postcode/contact), each
        line a continuation ("/...", FWB/16) or, in FWB/17 and FHL/5, tagged NAM, ADR and LOC before the coded line."""
        self.origins.note(path, f"line {block.line}")
        if block.named:
            rows = _named_rows(block.named)
        else:
            rows = ([(block.line, block.fields)] if name_on_tag else []) + block.more
        rows = [(n, f) for n, f in rows if any(f)]
        if not rows:
            form = "a NAM/ line" if block.named else "a name line"
            self.fail(block.line, "missing_party_name", f"{block.tag} needs {form}")
            return None
        (name_line, name_fields), rest = rows[0], rows[1:]
        party: dict[str, Any] = {"name": " ".join(name_fields).strip()[:512]}
        self.origins.note(f"{path}.name", f"line {name_line}")
        address: dict[str, Any] = {}
        coded = next((i for i in range(len(rest) - 1, -1, -1) if re.fullmatch(r"[A-Z]{2}", rest[i][1][0])), None)
        if coded is not None:
            n, fields = rest[coded]
            address["country"] = fields[0]
            self.origins.note(f"{path}.address.country", f"line {n}")
            if len(fields) > 1 and fields[1]:
                address["postcode"] = fields[1][:17]
                self.origins.note(f"{path}.address.postcode", f"line {n}")
            rest = rest[:coded]
        if rest:
            n, fields = rest[-1]
            address["city"] = fields[0]
            self.origins.note(f"{path}.address.city", f"line {n}")
            if streets := [" ".join(f) for _, f in rest[:-1]]:
                address["street"] = " ".join(streets)[:512]
                self.origins.note(f"{path}.address.street", f"line {rest[0][0]}")
        if address:
            party["address"] = address
        return party

    def oci(self, block: Block) -> dict[str, list[tuple[str, str]]]:
        """OCI lines by information identifier (SHP, CNE, ISS...): (customs information id, value)."""
        notes: dict[str, list[tuple[str, str]]] = {}
        for _, fields in [(block.line, block.fields), *block.more]:
            fields = [*fields, "", "", "", ""]
            if fields[1] and fields[2]:
                notes.setdefault(fields[1], []).append((fields[2], fields[3]))
        return notes


def _named_rows(named: list[tuple[int, str, list[str]]]) -> list[tuple[int, list[str]]]:
    """FWB/17 party lines as the FWB/16 rows they stand for: one name row, one street row, the place row and the
    coded row; an untagged line continues the tagged line above it, except the coded line after ADR or LOC."""
    rows: dict[str, tuple[int, list[str]]] = {}
    coded: list[tuple[int, list[str]]] = []
    current = ""
    for n, tag, fields in named:
        if tag:
            current = tag
        elif current in ("ADR", "LOC") and re.fullmatch(r"[A-Z]{2}", fields[0]):
            coded.append((n, fields))
            continue
        if current == "LOC" and current in rows:
            continue  # one place line: a second says nothing the address holds
        if current in rows:
            line, before = rows[current]
            rows[current] = (line, [" ".join(filter(None, before + fields))])
        else:
            rows[current] = (n, fields if current == "LOC" else [" ".join(filter(None, fields))])
    if "NAM" not in rows or not any(rows["NAM"][1]):
        return []
    return [rows[tag] for tag in _PARTY_LINES if tag in rows] + coded


def run_on(pieces: list[str], width: int) -> str:
    """Free text written over several lines of `width` characters: a line that fills its width was cut there,
    perhaps inside a word ("CONSOLIDATED SHIPMEN" / "T"), so the next runs on without a space; a shorter line, or
    a next line opening with a space, ends at a word."""
    text = ""
    for i, piece in enumerate(pieces):
        if i and (len(pieces[i - 1]) < width or piece.startswith(" ")):
            text += " "
        text += piece.strip()
    return " ".join(text.split())


def _identify(consignment: dict[str, Any], notes: dict[str, list[tuple[str, str]]]) -> None:
    for role, subject in (("consignor", "SHP"), ("consignee", "CNE")):
        party = consignment.get(role)
        ids = [
            {"scheme": "TIN", "value": value[:64]} for code, value in notes.get(subject, []) if code == "T" and value
        ]
        if party is not None and ids:
            party["identifiers"] = ids


def security_of(codes: set[str], notes: dict[str, list[tuple[str, str]]]) -> str | None:
    for code in SECURITY_CODES:
        if code in codes:
            return code
    declared = [value for code, value in notes.get("ISS", []) if code == "SS" and value]
    return declared[0][:8] if declared else None


def _places(
    consignment: dict[str, Any],
    origin: str,
    destination: str,
    line: int,
    origins: Origins,
    path: str,
    via: Sequence[str] = (),
) -> None:
    itinerary: dict[str, Any] = {}
    for key, airport in (("place_of_loading", origin), ("place_of_unloading", destination)):
        if code := to_locode(airport):
            itinerary[key] = code
            origins.note(f"{path}.itinerary.{key}", f"line {line}")
    countries = [c[:2] for c in (to_locode(a) for a in via) if c]
    ends = {itinerary.get("place_of_loading", "")[:2], itinerary.get("place_of_unloading", "")[:2]}
    if routing := [c for i, c in enumerate(countries) if c not in ends and c not in countries[:i]]:
        itinerary["routing_countries"] = routing
    if itinerary:
        consignment["itinerary"] = itinerary


def _detail(reader: _Reader, block: Block, what: str) -> tuple[re.Match[str] | None, float | None]:
    match = _DETAIL.match(block.fields[0] if block.fields else "")
    if match is None:
        reader.fail(
            block.line,
            "malformed_line",
            f"expected the {what} line: AWB number, origin and destination "
            f"airports, /T pieces K|L weight (e.g. 176-12345675HKGFRA/T10K120.5)",
        )
        return None, None
    weight = reader.amount(match.group(7), block.line, whole=False)
    return match, kilograms_of(weight, match.group(6))


def _fwb(blocks: list[Block], reader: _Reader, origins: Origins) -> tuple[str, dict[str, Any], datetime | None]:
    at = "consignments[0]"
    if not blocks or blocks[0].tag:
        raise InvalidMessage([Problem("line 2", "malformed_line", "the FWB needs its consignment detail line")])
    match, weight = _detail(reader, blocks[0], "consignment detail")
    if match is None:
        raise InvalidMessage(reader.problems)
    number = match.group(1) if "-" in match.group(1) else f"{match.group(1)[:3]}-{match.group(1)[3:]}"
    consignment: dict[str, Any] = {"mode": "air", "master_document": number, "goods": []}
    origins.note(at, f"line {blocks[0].line}")
    origins.note(f"{at}.goods", f"line {blocks[0].line}")
    consignment["total_packages"] = int(match.group(5))
    origins.note(f"{at}.total_packages", f"line {blocks[0].line}")
    if weight is not None:
        consignment["total_gross_mass_kg"] = weight
        origins.note(f"{at}.total_gross_mass_kg", f"line {blocks[0].line}")
    via: list[str] = []
    codes: set[str] = set()
    notes: dict[str, list[tuple[str, str]]] = {}
    issued = None
    for block in blocks[1:]:
        if block.tag == "FLT" and block.fields and "transport_means" not in consignment:
            consignment["transport_means"] = {"identifier": block.fields[0][:35]}
            origins.note(f"{at}.transport_means", f"line {block.line}")
        elif block.tag == "RTG":
            via += [f[:3] for f in block.fields if len(f) >= 3]
        elif block.tag in ("SHP", "CNE", "NFY"):
            role = {"SHP": "consignor", "CNE": "consignee", "NFY": "notify_party"}[block.tag]
            if (party := reader.party(block, f"{at}.{role}", name_on_tag=False)) is not None:
                consignment[role] = party
        elif block.tag == "RTD":
            _rating(block, consignment, reader, origins, at)
        elif block.tag == "SPH":
            codes |= set(block.fields)
        elif block.tag == "OCI":
            for key, values in reader.oci(block).items():
                notes.setdefault(key, []).extend(values)
        elif block.tag == "ISU" and block.fields:
            issued = _when(block.fields[0])
    if not consignment["goods"]:  # no /NG or /NC: filed as it is; the PLACI 7+1 check asks for it (RFI)
        consignment["goods"] = [{}]
    _identify(consignment, notes)
    if status := security_of(codes, notes):
        consignment["security_status"] = status
    _places(consignment, match.group(2), match.group(3), blocks[0].line, origins, at, via)
    return number, consignment, issued


def _rating(block: Block, consignment: dict[str, Any], reader: _Reader, origins: Origins, at: str) -> None:
    """One RTD line: pieces (P), weight (K/L) and its /NG, /NC, /NH, /NU, /NO continuation lines."""
    path = f"{at}.goods[{len(consignment['goods'])}]"
    item: dict[str, Any] = {}
    origins.note(path, f"line {block.line}")
    for value in block.fields[1:]:
        if value[:1] == "P" and value[1:].isdigit():
            item["packages"] = int(value[1:])
        elif (
            value[:1] in CARGO_IMP_WEIGHT
            and value[1:2].isdigit()
            and (weight := reader.amount(value[1:], block.line, whole=False)) is not None
        ):
            item["gross_mass_kg"] = kilograms_of(weight, value[0])
    codes: list[tuple[int, str]] = []
    description: list[str] = []
    for n, fields in block.more:
        if fields and fields[0].isdigit():  # numbered continuation: /2/NG/...
            fields = fields[1:]
        if not fields:
            continue
        kind, rest = fields[0], "/".join(fields[1:]).strip()
        if kind in ("NG", "NC") and rest:
            description.append("/".join(fields[1:]))
            item["description"] = run_on(description, NATURE_OF_GOODS_WIDTH)[:512]
            origins.note(f"{path}.description", f"line {n}")
        elif kind == "NH" and rest:
            codes.append((n, rest.replace(".", "").replace(" ", "")))
        elif kind == "NU" and rest:
            consignment.setdefault("equipment", []).append(rest[:17])
        elif kind == "NO" and re.fullmatch(r"[A-Z]{2}", rest):
            item["origin_country"] = rest
            origins.note(f"{path}.origin_country", f"line {n}")
    valid = [(n, c) for n, c in codes if hs_subheading_known(c) and len(c) <= 10]
    if valid:
        item["hs_code"] = valid[0][1]
        origins.note(f"{path}.hs_code", f"line {valid[0][0]}")
    if "description" in item:
        consignment["goods"].append(item)
        for n, code in valid[1:]:
            origins.note(f"{at}.goods[{len(consignment['goods'])}].hs_code", f"line {n}")
            consignment["goods"].append({"description": item["description"], "hs_code": code})


def _fhl(blocks: list[Block], reader: _Reader, origins: Origins) -> tuple[str, list[dict[str, Any]]]:
    mbi = next((b for b in blocks if b.tag == "MBI"), None)
    if mbi is None:
        raise InvalidMessage([Problem("line 2", "missing_line", "the FHL needs its MBI master waybill line")])
    match, _ = _detail(reader, Block("MBI", mbi.line, ["/".join(mbi.fields)]), "MBI")
    if match is None:
        raise InvalidMessage(reader.problems)
    master = match.group(1) if "-" in match.group(1) else f"{match.group(1)[:3]}-{match.group(1)[3:]}"
    houses: list[dict[str, Any]] = []
    notes: dict[str, list[tuple[str, str]]] = {}
    text: list[str] = []
    codes: set[str] = set()

    def close() -> None:
        if houses:
            house = houses[-1]
            if text:
                house["goods"][0]["description"] = run_on(text, FREE_TEXT_WIDTH)[:512]
            _identify(house, notes)
            if status := security_of(codes, notes):
                house["security_status"] = status

    for block in blocks:
        at = f"consignments[{len(houses) - 1}]"
        if block.tag == "HBS":
            close()
            notes, text, codes = {}, [], set()
            houses.append(_house(block, master, reader, origins, f"consignments[{len(houses)}]"))
        elif not houses:
            continue
        elif block.tag == "TXT":
            text += ["/".join(block.fields), *("/".join(f) for _, f in block.more)]
            origins.note(f"{at}.goods[0].description", f"line {block.line}")
        elif block.tag == "HTS":
            valid = [c for c in block.fields + [f[0] for _, f in block.more if f] if hs_subheading_known(c)]
            if valid:
                houses[-1]["goods"][0]["hs_code"] = valid[0]
                origins.note(f"{at}.goods[0].hs_code", f"line {block.line}")
        elif block.tag == "OCI":
            for key, values in reader.oci(block).items():
                notes.setdefault(key, []).extend(values)
        elif block.tag in ("SHP", "CNE"):
            role = "consignor" if block.tag == "SHP" else "consignee"
            if (party := reader.party(block, f"{at}.{role}", name_on_tag=True)) is not None:
                houses[-1][role] = party
    close()
    if not houses:
        reader.fail(mbi.line, "no_consignment", "the FHL has no HBS house line")
    return master, houses


def _house(block: Block, master: str, reader: _Reader, origins: Origins, at: str) -> dict[str, Any]:
    """HBS/house number/origin+destination/pieces/weight code and weight/SLAC/manifest description/SPH..."""
    fields = [*block.fields, "", "", "", "", "", ""]
    origins.note(at, f"line {block.line}")
    origins.note(f"{at}.goods", f"line {block.line}")
    house: dict[str, Any] = {"mode": "air", "master_document": master, "house_document": fields[0][:35] or None}
    pieces = reader.amount(fields[2], block.line, whole=True) if fields[2] else None
    weight = None
    if (
        fields[3][:1] in CARGO_IMP_WEIGHT
        and (value := reader.amount(fields[3][1:], block.line, whole=False)) is not None
    ):
        weight = kilograms_of(value, fields[3][0])
    item: dict[str, Any] = {"description": fields[5][:512] or ""}
    if pieces:
        house["total_packages"] = item["packages"] = pieces
        origins.note(f"{at}.total_packages", f"line {block.line}")
    if weight is not None:
        house["total_gross_mass_kg"] = item["gross_mass_kg"] = weight
        origins.note(f"{at}.total_gross_mass_kg", f"line {block.line}")
    origins.note(f"{at}.goods[0].description", f"line {block.line}")
    house["goods"] = [item]
    if house["house_document"] is None:
        del house["house_document"]
    if len(fields[1]) >= 6:
        _places(house, fields[1][:3], fields[1][3:6], block.line, origins, at)
    return house


def parse(data: bytes, *, filer: str | None = None) -> list[Filing]:
    """One FWB or FHL message to one pre-loading filing."""
    kind, blocks, first_line = blocks_of(data)
    origins = Origins(f"line {first_line}")
    reader = _Reader(origins)
    if kind == "FWB":
        number, consignment, issued = _fwb(blocks, reader, origins)
        consignments = [consignment]
    else:
        number, consignments = _fhl(blocks, reader, origins)
        issued = None
    if reader.problems:
        raise InvalidMessage(reader.problems)
    filing: dict[str, Any] = {
        "document_number": number,
        "message_type": kind,
        "kind": "pre_loading",
        "consignments": consignments,
    }
    if issued:
        filing["filed_at"] = issued
    return [build_filing(filing, origins, filer=filer)]
