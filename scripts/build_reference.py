"""Rebuild the reference tables shipped in src/safelane/reference/data/.

Usage: python scripts/build_reference.py SHARED_REFERENCE_DIR

Users of safelane do not have the shared source folder, so the package ships compact extracts of
it; this script makes those extracts, and their PROVENANCE.md, from the sources. Output is
deterministic (sorted rows, fixed gzip header), so re-running on the same sources and the same
versions of the build-only packages gives identical bytes.

Build-only dependencies (never needed at run time): pycountry and iso4217 (pip install pycountry iso4217).
"""

from __future__ import annotations

import argparse
import bz2
import csv
import gzip
import hashlib
import importlib.metadata
import importlib.resources
import io
import itertools
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent.parent / "src" / "safelane" / "reference" / "data"

HS_CSV = "harmonized-system/harmonized-system.csv"
HS_SECTIONS = "harmonized-system/sections.csv"
COUNTRIES = "un-locode/datasets-un-locode/country-codes.csv"
LOCODE_2018 = "un-locode/edition-2018-1/unlocode-code-list-2018-1.csv.bz2"
LOCODE_2024 = (
    "un-locode/edition-2024-2-partial/2024-2 UNLOCODE CodeListPart2.csv",
    "un-locode/edition-2024-2-partial/2024-2 UNLOCODE CodeListPart3.csv",
)

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI",
         "XVII", "XVIII", "XIX", "XX", "XXI"]  # fmt: skip
# ISO 4217 codes that are not money a declaration can be valued in.
CURRENCY_EXCLUDED = {"XTS": "reserved for testing", "XXX": "no currency involved"}
COORD = re.compile(r"(\d{2})(\d{2})([NS]) (\d{3})(\d{2})([EW])")


def _write_csv(path: Path, header: list[str], rows: Iterable[Iterable[object]], *, gz: bool = False) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    if gz:
        # filename="" and mtime=0 keep the gzip header free of anything that changes between runs.
        out = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as f:
            f.write(data)
        data = out.getvalue()
    path.write_bytes(data)
    return data


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- HS 2022 -------------------------------------------------------------------------------------


def build_hs(src: Path) -> dict[str, object]:
    with (src / HS_SECTIONS).open(encoding="utf-8-sig", newline="") as f:
        sections = {r["section"].strip(): r["name"].strip() for r in csv.DictReader(f)}
    if sorted(sections, key=ROMAN.index) != ROMAN:
        raise SystemExit(f"unexpected HS sections: {sorted(sections)}")
    rows: list[tuple[str, int, str, str]] = [(s, 0, s, sections[s]) for s in ROMAN]
    dropped: list[str] = []
    with (src / HS_CSV).open(encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            code, section = r["hscode"], r["section"]
            # Comtrade adds TOTAL and chapter 99 ("not specified according to kind"); neither is HS.
            if section == "TOTAL":
                dropped.append(code)
                continue
            if not (code.isascii() and code.isdigit() and len(code) in (2, 4, 6) and int(r["level"]) == len(code)):
                raise SystemExit(f"unexpected HS row: {r}")
            if section not in sections:
                raise SystemExit(f"unknown section in HS row: {r}")
            rows.append((code, len(code), section, " ".join(r["description"].split())))
    rows.sort(key=lambda r: (r[1] != 0, ROMAN.index(r[0]) if r[1] == 0 else 0, r[0]))
    data = _write_csv(OUT_DIR / "hs2022.csv", ["code", "level", "section", "description"], rows)
    levels = Counter(r[1] for r in rows)
    return {
        "hs_sections": levels[0],
        "hs_chapters": levels[2],
        "hs_headings": levels[4],
        "hs_subheadings": levels[6],
        "hs_dropped": ", ".join(sorted(dropped)),
        "hs_bytes": len(data),
        "hs_sha": _sha256(src / HS_CSV),
        "hs_sections_sha": _sha256(src / HS_SECTIONS),
    }


# --- Countries ------------------------------------------------------------------------------------


def build_countries(src: Path) -> dict[str, object]:
    import pycountry  # build-only dependency

    iso = {c.alpha_2: c.name for c in pycountry.countries}
    with (src / COUNTRIES).open(encoding="utf-8-sig", newline="") as f:
        source = {r["CountryCode"].strip(): r["CountryName"].strip() for r in csv.DictReader(f)}
    not_iso = sorted(set(source) - set(iso))
    added = sorted(set(iso) - set(source))
    rows = {code: name.removesuffix(" (the)") for code, name in source.items() if code in iso}
    # An ISO code the source lacks is taken, with its name, from pycountry's ISO 3166-1 data.
    rows.update({code: iso[code] for code in added})
    data = _write_csv(OUT_DIR / "countries.csv", ["code", "name"], sorted(rows.items()))
    return {
        "countries": len(rows),
        "countries_source": len(source),
        "countries_not_iso": ", ".join(f"{c} ({source[c]})" for c in not_iso) or "none",
        "countries_added": ", ".join(f"{c} ({iso[c]})" for c in added) or "none",
        "countries_bytes": len(data),
        "countries_sha": _sha256(src / COUNTRIES),
    }


# --- Currencies -----------------------------------------------------------------------------------


def build_currencies() -> dict[str, object]:
    import pycountry  # build-only dependency

    # ISO 4217 List One as published by SIX (the maintenance agency), bundled in the iso4217 package.
    table = importlib.resources.files("iso4217").joinpath("table.xml").read_bytes()
    root = ET.fromstring(table)
    minor: dict[str, str] = {}
    for entry in root.iter("CcyNtry"):
        code, units = entry.findtext("Ccy"), entry.findtext("CcyMnrUnts")
        if code and units is not None:
            units = units.strip() if units.strip().isdigit() else ""
            if minor.setdefault(code, units) != units:
                raise SystemExit(f"conflicting minor units for {code}")
    rows = []
    for cur in pycountry.currencies:
        if cur.alpha_3 in CURRENCY_EXCLUDED:
            continue
        if cur.alpha_3 not in minor:
            raise SystemExit(f"{cur.alpha_3} is in pycountry but not in the ISO 4217 table of iso4217")
        rows.append((cur.alpha_3, cur.numeric, " ".join(cur.name.split()), minor[cur.alpha_3]))
    rows.sort()
    data = _write_csv(OUT_DIR / "currencies.csv", ["code", "numeric", "name", "minor_units"], rows)
    return {
        "currencies": len(rows),
        "currencies_pycountry": len(pycountry.currencies),
        "currencies_no_minor": ", ".join(r[0] for r in rows if not r[3]),
        "currencies_excluded": ", ".join(f"{k} ({v})" for k, v in sorted(CURRENCY_EXCLUDED.items())),
        "iso4217_published": root.get("Pblshd", "?"),
        "currencies_bytes": len(data),
        "pycountry_version": importlib.metadata.version("pycountry"),
        "iso4217_version": importlib.metadata.version("iso4217"),
    }


# --- UN/LOCODE ------------------------------------------------------------------------------------


def _decode(raw: bytes) -> str:
    # The 2018-1 file mixes UTF-8 lines with cp1252 lines; 2024-2 is Latin-1 with cp1252 punctuation.
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return re.sub("[\x80-\x9f]", lambda m: m[0].encode("latin-1").decode("cp1252", "replace"), text)


def _ascii(name: str) -> str:
    name = name.replace("\u2019", "'").replace("\u2018", "'")
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return " ".join(folded.split())


def _coordinate(text: str) -> tuple[str, str] | None:
    """'4230N 00131E' (degrees and minutes) -> ('42.5', '1.5167'); None if malformed or out of range."""
    m = COORD.fullmatch(text)
    if not m:
        return None
    lat_d, lat_m, ns, lon_d, lon_m, ew = m.groups()
    if int(lat_m) >= 60 or int(lon_m) >= 60 or int(lat_d) > 90 or int(lon_d) > 180:
        return None
    lat = (int(lat_d) + int(lat_m) / 60) * (-1 if ns == "S" else 1)
    lon = (int(lon_d) + int(lon_m) / 60) * (-1 if ew == "W" else 1)
    if abs(lat) > 90 or abs(lon) > 180:
        return None
    return _num(lat), _num(lon)


def _num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _locode_rows(lines: Iterator[bytes], stats: Counter[str], edition: str) -> Iterator[tuple[str, list[str]]]:
    for row in csv.reader(_decode(line) for line in lines):
        if not row:
            continue
        if len(row) != 12:
            raise SystemExit(f"{edition}: expected 12 columns: {row}")
        change, country, place = row[0].strip(), row[1].strip(), row[2].strip()
        stats[f"{edition}_rows"] += 1
        if change == "=":
            stats[f"{edition}_references"] += 1
        elif not place:
            stats[f"{edition}_no_code" if not row[3].startswith(".") else f"{edition}_country_headers"] += 1
        elif not re.fullmatch(r"[A-Z]{2}[A-Z0-9]{3}", country + place):
            raise SystemExit(f"{edition}: bad code {country + place!r}")
        else:
            yield country + place, row


def _edition(lines: Iterator[bytes], stats: Counter[str], edition: str) -> tuple[dict[str, list[list[str]]], set[str]]:
    """Live rows grouped by code in source order, and the codes whose only rows are marked for deletion."""
    live: dict[str, list[list[str]]] = {}
    deleted: set[str] = set()
    for code, row in _locode_rows(lines, stats, edition):
        if row[0].strip().upper() == "X":
            deleted.add(code)
        else:
            live.setdefault(code, []).append(row)
    stats[f"{edition}_variant_rows"] = sum(len(rows) - 1 for rows in live.values())
    stats[f"{edition}_deleted"] = len(deleted - live.keys())
    stats[f"{edition}_live"] = len(live)
    return live, deleted - live.keys()


def _location(code: str, rows: list[list[str]], stats: Counter[str]) -> tuple[str, ...]:
    """One output row per code. UN/LOCODE repeats a code for alternative names (GRHYD "Hydra (Idhra)" and
    "Idhra (Hydra)"): the first row gives name and subdivision, functions are the union, and IATA code and
    coordinates come from the first row that has them."""
    functions = ["-"] * 8
    iata, latlon, had_coords = "", None, False
    for row in rows:
        given = row[6].strip()
        if len(given) != 8:
            raise SystemExit(f"bad function string for {code}: {given!r}")
        functions = [old if old != "-" else new for old, new in zip(functions, given, strict=True)]
        if not iata and re.fullmatch(r"[A-Z0-9]{3}", row[9].strip()):
            iata = row[9].strip()
        if latlon is None and row[10].strip():
            had_coords = True
            latlon = _coordinate(row[10].strip())
    if had_coords and latlon is None:
        stats["bad_coordinates"] += 1
    first = rows[0]
    name = _ascii(first[4]) or _ascii(first[3])
    return (code, name, first[5].strip(), "".join(functions), iata, *(latlon or ("", "")))


def build_unlocode(src: Path) -> dict[str, object]:
    stats: Counter[str] = Counter()
    with bz2.open(src / LOCODE_2018, "rb") as f:
        merged, _ = _edition(iter(f), stats, "e2018")
    with (src / LOCODE_2024[0]).open("rb") as part2, (src / LOCODE_2024[1]).open("rb") as part3:
        new, new_deleted = _edition(itertools.chain(part2, part3), stats, "e2024")
    covered = {c[:2] for c in new}
    for code in new_deleted:  # 2024-2 marks the code for deletion: drop the 2018-1 entry too
        stats["e2024_deleted_from_2018"] += merged.pop(code, None) is not None
    for code, rows in new.items():
        stats["e2024_replaced" if code in merged else "e2024_added"] += 1
        merged[code] = rows
    stats["e2018_only_in_covered"] = sum(1 for c in merged if c[:2] in covered and c not in new)
    rows = sorted(_location(code, row, stats) for code, row in merged.items())
    header = ["code", "name", "subdivision", "functions", "iata", "latitude", "longitude"]
    data = _write_csv(OUT_DIR / "unlocode.csv.gz", header, rows, gz=True)
    countries = sorted(covered)
    return {
        **stats,
        "locations": len(rows),
        "with_coords": sum(1 for r in rows if r[5]),
        "with_iata": sum(1 for r in rows if r[4]),
        "locode_countries": len({r[0][:2] for r in rows}),
        "e2024_countries": len(countries),
        "e2024_first": countries[0],
        "e2024_last": countries[-1],
        "unlocode_bytes": len(data),
        "unlocode_raw": len(gzip.decompress(data)),
        "locode2018_sha": _sha256(src / LOCODE_2018),
        "locode2024_sha": ", ".join(_sha256(src / p)[:16] for p in LOCODE_2024),
    }


class _Facts(dict[str, object]):
    """Counters that never fired are zero in the provenance text."""

    def __missing__(self, key: str) -> int:
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared_reference_dir", type=Path, help="the shared reference data folder (with PROVENANCE.md)")
    src = parser.parse_args(argv).shared_reference_dir
    if not (src / HS_CSV).is_file():
        parser.error(f"{src} does not look like the shared reference folder (no {HS_CSV})")
    try:
        import iso4217  # noqa: F401
        import pycountry  # noqa: F401
    except ImportError:
        parser.error("the build needs pycountry and iso4217: pip install pycountry iso4217")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    facts: dict[str, object] = {}
    facts |= build_hs(src)
    facts |= build_countries(src)
    facts |= build_currencies()
    facts |= build_unlocode(src)
    names = {
        "HS_CSV": HS_CSV,
        "HS_SECTIONS": HS_SECTIONS,
        "COUNTRIES": COUNTRIES,
        "LOCODE_2018": LOCODE_2018,
        "LOCODE_2024": LOCODE_2024,
    }
    (OUT_DIR / "PROVENANCE.md").write_text(PROVENANCE.format_map(_Facts(facts | names)), encoding="utf-8")
    for key in sorted(facts):
        if not key.endswith("sha"):
            print(f"{key}: {facts[key]}")
    return 0


PROVENANCE = """\
# Packaged reference tables: provenance

Written by `scripts/build_reference.py SHARED_REFERENCE_DIR`; do not edit by hand. Source paths are
relative to the project's shared reference folder, whose own PROVENANCE.md gives the upstream
repositories and commits repeated here. Sources were read as they are; only the transformations
listed were made. Row counts exclude the header line. All files are UTF-8 CSV with a header row,
sorted, so a rebuild from the same sources gives the same bytes.

## hs2022.csv ({hs_bytes:,} bytes)

- Source: `{HS_CSV}` (sha256 {hs_sha}) and `{HS_SECTIONS}` (sha256 {hs_sections_sha}).
- Upstream: datasets/harmonized-system, commit 905e5a0fa29f5700d62cb3cc1265f21bc8a92329, `data/harmonized-system.csv`
  and `data/sections.csv`. Data from UN Comtrade, HS 2022 edition.
- Licence: ODC-PDDL-1.0 (Open Data Commons Public Domain Dedication and License).
- Columns: code, level, section, description. Level 0 rows are the {hs_sections} sections (code = section =
  Roman numeral, description = section name from sections.csv); levels 2, 4 and 6 are HS codes.
- Rows: {hs_sections} sections, {hs_chapters} chapters, {hs_headings} headings, {hs_subheadings} subheadings.
- Transformations: dropped Comtrade's non-HS rows in section "TOTAL" ({hs_dropped}: the grand total and
  chapter 99 "Commodities not specified according to kind"); collapsed runs of whitespace and trimmed
  descriptions. Chapter 77 is reserved in HS and absent. Some long descriptions are truncated in the source
  (Comtrade cuts at about 255 characters, e.g. 382769); they are kept as they are.

## countries.csv ({countries_bytes:,} bytes)

- Source: `{COUNTRIES}` (sha256 {countries_sha}), {countries_source} rows.
- Upstream: datasets/un-locode, commit b1309b37edea63334a819a78c22b8967f61c37ad, `data/country-codes.csv`.
  Licence: ODC-PDDL-1.0.
- Columns: code (ISO 3166-1 alpha-2), name. Rows: {countries}.
- Checked against ISO 3166-1 as bundled in pycountry {pycountry_version} (see currencies.csv):
  - not ISO 3166-1, left out: {countries_not_iso}. That is a UN/LOCODE-only code; its locations stay in
    unlocode.csv.gz.
  - in ISO 3166-1 but missing from the source, added with pycountry's name: {countries_added}.
  - XK (Kosovo, a user-assigned code that customs systems use) is in neither source and was not added.
- Transformations: names trimmed, and the ISO-style trailing " (the)" removed (e.g. "United States of America").

## currencies.csv ({currencies_bytes:,} bytes)

- No source in the shared folder. Codes, numeric codes and names come from the PyPI package pycountry
  {pycountry_version} (LGPL-2.1-only), which bundles the ISO 4217 data of Debian's iso-codes project
  (salsa.debian.org/iso-codes-team/iso-codes, LGPL-2.1-or-later); pycountry does not record which
  iso-codes release it bundles. pycountry lists {currencies_pycountry} currencies.
- Minor units are not in iso-codes; they come from the PyPI package iso4217 {iso4217_version} (Public
  Domain), which bundles ISO 4217 List One as published by SIX, the maintenance agency, dated
  {iso4217_published}. Its set of codes equals pycountry's (the build fails otherwise).
- Columns: code (alpha-3), numeric, name, minor_units. Rows: {currencies}.
- Left out: {currencies_excluded}. Kept with no minor units (ISO says N.A.): {currencies_no_minor}.
- Both packages are needed only to build; the product reads this CSV.

## unlocode.csv.gz ({unlocode_bytes:,} bytes gzip, {unlocode_raw:,} bytes of CSV)

- Sources:
  - `{LOCODE_2018}` (sha256 {locode2018_sha}): the full UN/LOCODE 2018-1 code list.
    Upstream opentraveldata/opentraveldata, commit 87497705d8af9b148b63b352a2869fd1fcb08452,
    `data/unlocode/unlocode-code-list-2018-1.csv.bz2`. UNECE UN/LOCODE data; OPTD curation CC-BY-4.0.
  - `{LOCODE_2024[0]}` and `{LOCODE_2024[1]}` (sha256 prefixes {locode2024_sha}): UN/LOCODE 2024-2
    code list parts 2 and 3. Upstream Open-Earth-Foundation/data-research, commit
    7b06aecbfba777bec2cd03bb38255ae20c0f763b, `reviews/uncece-unlocode/releases/2024/sample/`. UNECE
    UN/LOCODE 2024-2, freely published by UNECE; no repository licence.
- Columns: code (5 characters), name (the source's name without diacritics), subdivision, functions
  (8-character function string, e.g. "1-3-----"), iata, latitude, longitude (decimal degrees, 4 places).
  Rows: {locations:,} in {locode_countries} countries; {with_coords:,} with coordinates, {with_iata} with an IATA code.
- Reading: both editions have no header and the UNECE column order (change, country, location, name,
  name without diacritics, subdivision, function, status, date, IATA, coordinates, remarks). Each line is
  decoded as UTF-8 if it is valid UTF-8, else as Latin-1 with cp1252 punctuation (the 2018-1 file mixes both).
- 2018-1: {e2018_rows:,} rows read; skipped {e2018_country_headers} country header rows, {e2018_references} reference
  entries ("=", e.g. "Ruwais = Ar Ruways"), {e2018_no_code} other rows with no location code (cross-references
  such as "Cayenne = GF CAY") and {e2018_deleted} codes marked for deletion ("X"); {e2018_live:,} codes kept
  ({e2018_variant_rows} more rows are alternative names of a kept code).
- 2024-2 parts 2 and 3 hold {e2024_countries} countries, {e2024_first} to {e2024_last}: the F countries (FI to FR)
  are not in part 2 of this copy, and part 1 (A to E) is missing. {e2024_rows:,} rows read; skipped
  {e2024_country_headers} country header rows, {e2024_references} reference entries ("=") and {e2024_no_code} other
  rows with no location code. {e2024_deleted} codes are marked for deletion ("X"/"x"), which also removed
  {e2024_deleted_from_2018} codes that 2018-1 had. Of its {e2024_live:,} live codes ({e2024_variant_rows} more rows are
  alternative names), {e2024_replaced:,} replaced the 2018-1 entry with the same code and {e2024_added:,} were new.
- {e2018_only_in_covered} codes of countries covered by 2024-2 are only in 2018-1 (probably removed by UNECE since
  2018); they are kept, so old documents that use them still validate.
- One row per code. Where an edition repeats a code for alternative names (GRHYD "Hydra (Idhra)" and
  "Idhra (Hydra)"), the first row in source order gives name and subdivision, the function strings are
  merged position by position, and the IATA code and coordinates come from the first row that has them.
- Transformations: IATA "---" dropped (one entry). An empty IATA column means "none given"; UNECE leaves it
  empty when the IATA code equals the location part of the code, which is not filled in here.
  Coordinates "DDMMN DDDMME" converted to decimal degrees;
  {bad_coordinates} coordinates that are malformed or out of range (minutes of 60 or more, missing hemisphere,
  extra digits) are dropped rather than guessed. Names: runs of whitespace collapsed; the one name with a
  cp1252 apostrophe in the name-without-diacritics column (MUPEY) is folded to ASCII.
- Caveats: UN/LOCODE coordinates are approximate, and some valid-looking ones are wrong in the source. China
  comes from 2018-1 only, where CNSHA is "Shanghai Hongqiao International Apt" (airport, no coordinates) and
  Shanghai city and port is CNSGH; later editions may differ.
"""


if __name__ == "__main__":
    sys.exit(main())
