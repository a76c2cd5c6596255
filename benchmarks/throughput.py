"""Throughput of the one path, in one process and through the HTTP API. Prints one JSON object.

(a) end_to_end: a generated day (safelane.demo.traffic) is serialised to native JSON lines in a child
    process, so this process measures only what a receiving system does: parse and validate
    (Pipeline.parse) -> assess with 200 active profiles (the 7 demo profiles and 193 plausible
    variations, as a targeting centre runs them) -> decide -> persist to a fresh SQLite file
    (Pipeline.submit), in chunks of 1,000 consignments. Stages are timed by wrapping the engine, decide()
    and the store functions the pipeline calls; nothing in the pipeline is changed.
(b) http: `safelane serve` in a subprocess on 127.0.0.1 (temp database, the same profiles, a filer key);
    single-consignment filings are sent at a steady rate, open loop: each request is due at
    start + i/rate whether or not earlier ones have answered, and its latency counts from when it was
    due, so a slow server cannot hide its queueing (no coordinated omission).

    With --ecommerce the day is an e-commerce day (safelane.demo.ecommerce.parcel_day: express parcels to
    consumers, split orders and under-valued phones planted) and the report adds the e-commerce assessor's
    cost per consignment (assess, and keeping its splitting index in the store) and what it caught.

    python benchmarks/throughput.py [--consignments 100000] [--seconds 20] [--rate 200] [--skip-http]
                                    [--operators 100000] [--workdir DIR] [--profile-out FILE] [--ecommerce]
                                    [--agencies 5] [--agency-profiles 50]

`--agencies N --agency-profiles M` adds M active profiles for each of N other border agencies (plant health,
veterinary, food safety, wildlife, environment) and reports their cost per consignment against the customs
profiles' (`agencies`: each set evaluated alone over the same lodgements, the median of five passes).

`--operators N` registers N trusted traders first (the demo's AEOs, whose filings carry their EORIs, and
made-up ones up to N), so the facilitation assessor (`assess.traders`) works against a register of that size.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import os
import platform
import pstats
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import orjson
import yaml

DAY = date(2026, 11, 20)
FILINGS_PATH = "/v1/filings"

# --- 200 active profiles ---------------------------------------------------------------------------------

_APPAREL = ("6109", "6110", "6104", "6203", "6204", "6205", "6211")
_FOOTWEAR = ("6402", "6403", "6404")
_ELECTRONICS = ("8517", "8471", "8473", "8528", "8518", "8542", "8504", "8544")
_MACHINERY = ("8479", "8481", "8431", "8418", "8415", "8443")
_EXPORTERS = ("CN", "HK", "VN", "IN", "BD", "PK", "TR", "TH", "MY", "KR", "TW", "AE", "SG", "US")
_DRUG_ORIGINS = ("EC", "CO", "PE", "BR", "CR", "PA", "VE")
_DRUG_HUBS = ("PA", "DO", "JM", "MX", "CW", "HN", "GT", "TT", "SR")
_AIRPORTS = ("CNPVG", "CNCAN", "CNSZX", "HKHKG", "VNSGN", "INBOM", "INDEL", "TRIST", "AEDXB", "KRICN", "THBKK")
_WORDS = ("amber", "crimson", "silver", "eastern", "polar", "granite", "cobalt", "orchid", "saffron", "tundra")
_NOUNS = ("meridian", "phoenix", "condor", "lantern", "bastion", "quarry", "mistral", "juniper")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _pick(rng: random.Random, items: tuple[str, ...], low: int = 1, high: int = 3) -> list[str]:
    return sorted(rng.sample(items, rng.randint(low, min(high, len(items)))))


def _variation(rng: random.Random, family: int) -> tuple[str, str, dict[str, Any], dict[str, Any], list[str]]:
    """One profile of a targeting centre's usual families: (code, title, when, outcome, applies_to)."""
    if family == 0:
        hs = rng.choice(_APPAREL + _FOOTWEAR)
        limit = round(rng.uniform(1.0, 3.5), 2)
        return (
            "UNDERVALUE",
            f"Undervalued {hs} under {limit} USD/kg",
            {"hs_prefix": [hs], "origin_country": _pick(rng, _EXPORTERS), "currency": "USD", "value_per_kg_max": limit},
            {"score": rng.randint(20, 40), "channel": "yellow"},
            ["pre_arrival", "declaration"],
        )
    if family == 1:
        return (
            "EXPRESS-VALUE",
            "High-value electronics by express",
            {
                "mode": ["express"],
                "hs_prefix": _pick(rng, _ELECTRONICS, 1, 2),
                "currency": "USD",
                "value_min": rng.choice((3000, 5000, 8000, 12000, 20000)),
            },
            {"score": rng.randint(15, 35)},
            [],
        )
    if family == 2:
        return (
            "NARCO-ROUTE",
            "Perishables from a source country via a transhipment hub",
            {
                "mode": ["sea"],
                "hs_prefix": _pick(rng, ("0803", "0804", "0901", "0306", "0303", "0805"), 1, 2),
                "origin_country": _pick(rng, _DRUG_ORIGINS),
                "routing_country": _pick(rng, _DRUG_HUBS, 1, 4),
            },
            {"score": rng.randint(40, 60), "channel": "red"},
            [],
        )
    if family == 3:
        name = rf"{rng.choice(_WORDS)}\s+{rng.choice(_NOUNS)}\s+(trading|logistics|impex)"
        roles = rng.choice((["consignee", "notify_party"], ["consignor"], []))
        condition: dict[str, Any] = {"name_matches": [name]}
        if roles:
            condition["roles"] = roles
        return (
            "PARTY",
            "Party under investigation",
            {"party": [condition]},
            {"score": 70, "referral": "RFS", "channel": "red"},
            [],
        )
    if family == 4:
        outcome: dict[str, Any] = {"score": rng.randint(15, 30)}
        if rng.random() < 0.3:
            outcome["referral"] = "RFI"
        return (
            "AIRPORT-GOODS",
            "Heavy electronics from a watched airport",
            {
                "mode": ["air"],
                "place_of_loading": _pick(rng, _AIRPORTS, 1, 2),
                "hs_prefix": _pick(rng, _ELECTRONICS + _MACHINERY, 1, 2),
                "mass_min_kg": rng.choice((100, 250, 500)),
            },
            outcome,
            ["pre_loading"],
        )
    if family == 5:
        start = rng.randint(0, 23)
        return (
            "TIME-WINDOW",
            "Filings in an unusual window",
            {
                "mode": ["express", "air"],
                "loading_country": _pick(rng, _EXPORTERS, 1, 2),
                "hs_prefix": [rng.choice(_ELECTRONICS)],
                "time_window": {
                    "at": "filed",
                    "weekdays": _pick(rng, _WEEKDAYS, 1, 3),
                    "hours": f"{start:02d}:00-{(start + rng.randint(1, 4)) % 24:02d}:00",
                },
            },
            {"score": rng.randint(10, 25)},
            [],
        )
    if family == 6:
        return (
            "COUNTERFEIT",
            "Goods described as replicas",
            {
                "hs_prefix": _pick(rng, ("4202", "6403", "6404", "9102", "6109", "9503"), 1, 3),
                "description_matches": [r"\b(replica|imitation|copy|copies)\b"],
            },
            {"score": 50, "channel": "red"},
            [],
        )
    if family == 7:
        return (
            "MASS-OUTLIER",
            "Vehicles declared implausibly light",
            {"hs_prefix": ["8703"], "mass_max_kg": rng.choice((300, 500, 700))},
            {"score": 30, "channel": "yellow"},
            [],
        )
    if family == 8:
        country = rng.choice(("DE", "NL", "BE"))
        value = country + "".join(str(rng.randint(0, 9)) for _ in range(15 if country == "DE" else 9))
        return (
            "IDENTIFIER",
            "Trader identifier on a watch list",
            {"party": [{"identifiers": [value]}]},
            {"score": 60, "referral": "RFS", "channel": "red"},
            [],
        )
    if family == 9:
        return (
            "DANGEROUS",
            "Dangerous goods by air from a watched origin",
            {
                "mode": ["air", "express"],
                "hs_prefix": _pick(rng, ("8507", "3604", "2804", "3601", "9306"), 1, 2),
                "loading_country": _pick(rng, _EXPORTERS, 1, 2),
            },
            {"score": rng.randint(25, 45)},
            ["pre_loading"],
        )
    if family == 10:
        return (
            "WILDLIFE",
            "Species and products protected under CITES",
            {"description_matches": [r"\b(python|crocodile|ivory|pangolin|shark fin)\b"]},
            {"score": 60, "channel": "red"},
            [],
        )
    return (
        "ROUTE-GOODS",
        "Goods from a country flagged by the risk analysis",
        {
            "loading_country": _pick(rng, _EXPORTERS, 1, 2),
            "unloading_country": _pick(rng, ("DE", "NL", "BE")),
            "hs_prefix": _pick(rng, _MACHINERY + _ELECTRONICS + _APPAREL, 1, 3),
            "currency": "USD",
            "value_min": rng.choice((10000, 25000, 50000)),
        },
        {"score": rng.randint(10, 30)},
        [],
    )


def profile_texts(total: int, seed: int) -> list[str]:
    """The demo profiles, then generated variations up to `total`, as YAML profile files."""
    from safelane.demo import PROFILES_DIR

    texts = [p.read_text(encoding="utf-8") for p in sorted(PROFILES_DIR.glob("*.yaml"))]
    rng = random.Random(f"benchmark-profiles:{seed}")
    for index in range(total - len(texts)):
        code, title, when, outcome, applies = _variation(rng, index % 12)
        document: dict[str, Any] = {
            "id": f"TC-{code}-{index:03d}",
            "version": 1,
            "title": title,
            "owner": "customs",
            "rationale": f"Benchmark variation of the {code.lower()} family, as a targeting centre keeps many.",
            "valid_from": "2026-01-01",
        }
        if applies:
            document["applies_to"] = applies
        texts.append(yaml.safe_dump({**document, "when": when, "outcome": outcome}, sort_keys=False))
    return texts


# --- other border agencies' profiles (issue 14) ------------------------------------------------------------

# Each agency's usual rules: the HS chapters of its scope, the origins under its alerts, the documents it asks for
# (DE 2/3 document codes: N851 phytosanitary certificate, C640 CHED-A, C678 CHED-D, C400 CITES certificate, C057
# ozone licence; agencies.yaml gives the sources), the requirement a hit makes and species words its officers look for.
_AGENCIES: dict[str, dict[str, Any]] = {
    "plant_health": {
        "hs": ("0602", "0603", "0701", "0702", "0709", "0803", "0804", "0805", "0806", "0808", "1001", "1209", "1404"),
        "origins": ("KE", "ET", "UG", "EG", "MA", "ZA", "IN", "BR", "CN", "TR", "IL", "CO"),
        "document": "N851",
        "words": r"\b(citrus|mango|capsicum|rose|orchid|seed potatoes?)\b",
    },
    "veterinary": {
        "hs": ("0201", "0202", "0203", "0207", "0302", "0303", "0306", "0401", "0407", "0504", "1601", "1602"),
        "origins": ("BR", "AR", "UY", "CN", "TH", "VN", "IN", "UA", "NZ", "US", "CA", "ZA"),
        "document": "C640",
        "words": r"\b(pork|poultry|beef|milk|eggs?|casings?)\b",
    },
    "food_safety": {
        "hs": ("0713", "0801", "0802", "0813", "0904", "0910", "1207", "2008", "2009", "2106", "2202", "1905"),
        "origins": ("TR", "IN", "CN", "US", "IR", "EG", "NG", "GH", "VN", "PK", "LK", "ID"),
        "document": "C678",
        "words": r"\b(aflatoxin|pistachios?|groundnuts?|chilli|sesame|food supplement)\b",
    },
    "wildlife": {
        "hs": ("0106", "0301", "0508", "0511", "4103", "4202", "4301", "9601", "4403", "1211", "0602", "9705"),
        "origins": ("ID", "MG", "CM", "CD", "NG", "VN", "TH", "BR", "PE", "MZ", "TZ", "ZW"),
        "document": "C400",
        "words": r"\b(python|crocodile|ivory|pangolin|shark fin|rosewood|orchid|coral|tortoise)\b",
    },
    "environment": {
        "hs": ("2903", "3824", "8415", "8418", "8414", "3808", "2710", "3915", "8548", "8549", "7204", "8507"),
        "origins": ("CN", "IN", "TR", "AE", "US", "RU", "KR", "TW", "MY", "TH", "VN", "UA"),
        "document": "C057",
        "words": r"\b(refrigerant|r-?22|hcfc|hfc|pesticide|waste|scrap)\b",
    },
}


def agency_profile_texts(agencies: int, per_agency: int, seed: int) -> list[str]:
    """`per_agency` generated profiles for each of the first `agencies` border agencies, as YAML files.

    They are of the kinds an agency keeps: goods of its chapters from an origin under an alert without the
    certificate it asks for (documents), the same with a hold for inspection, a watched origin and chapter (hold),
    and its officers' description words on goods of its scope (hold or refuse)."""
    if agencies > len(_AGENCIES):
        raise SystemExit(f"--agencies: at most {len(_AGENCIES)} ({', '.join(_AGENCIES)})")
    rng = random.Random(f"benchmark-agency-profiles:{seed}")
    texts = []
    for agency in list(_AGENCIES)[:agencies]:
        scope = _AGENCIES[agency]
        for index in range(per_agency):
            family = index % 4
            when: dict[str, Any] = {"hs_prefix": _pick(rng, scope["hs"], 1, 3)}
            outcome: dict[str, Any] = {"score": rng.randint(0, 20)}
            if family in (0, 1):
                when["origin_country"] = _pick(rng, scope["origins"], 1, 4)
                when["documents_missing"] = [scope["document"]]
                if family == 0:
                    outcome.update(requirement="documents", documents=[scope["document"]])
                else:
                    outcome["requirement"] = "hold"
                title = f"{agency} goods from an origin under alert without {scope['document']}"
            elif family == 2:
                when["origin_country"] = _pick(rng, scope["origins"], 1, 3)
                when["mode"] = _pick(rng, ("sea", "air", "road", "express", "postal"), 1, 3)
                outcome["requirement"] = "hold"
                title = f"{agency} watched origin and chapter"
            else:
                when["description_matches"] = [scope["words"]]
                outcome["requirement"] = rng.choice(("hold", "refuse"))
                title = f"{agency} goods described as a watched commodity"
            document = {
                "id": f"{agency.upper().replace('_', '-')}-{index:03d}",
                "version": 1,
                "title": title,
                "owner": agency.replace("_", "-"),
                "agency": agency,
                "rationale": f"Benchmark rule of the {agency} agency, one of the {per_agency} it keeps active.",
                "valid_from": "2026-01-01",
                "when": when,
                "outcome": outcome,
            }
            texts.append(yaml.safe_dump(document, sort_keys=False))
    return texts


def profile_cost(texts: list[str], lodgements: list[Any], repeat: int = 5) -> dict[str, Any]:
    """CPU µs per consignment of evaluating a set of profiles over the day's lodgements, the median of `repeat`
    passes after one warm pass, in isolation (one ProfileSet, nothing else between the calls)."""
    from safelane.risk.profiles import ProfileSet
    from safelane.risk.profiles.load import load_text

    profiles = ProfileSet([load_text(text) for text in texts])
    runs, hits = [], 0
    for attempt in range(repeat + 1):
        started = time.process_time()
        found = [profiles.findings(lodgement) for lodgement in lodgements]
        if attempt:
            runs.append((time.process_time() - started) / len(lodgements) * 1e6)
        hits = sum(bool(f) for f in found)
    runs.sort()
    return {
        "profiles": len(profiles),
        "cpu_us_per_consignment_median": round(runs[len(runs) // 2], 2),
        "cpu_us_runs": [round(r, 2) for r in runs],
        "consignments_hit": hits,
    }


def store_profiles(db: Any, texts: list[str]) -> None:
    from safelane.store import profiles as profile_store

    with db.write() as conn:
        for i, text in enumerate(texts):
            profile_store.save(
                conn, text, actor="benchmark", at=datetime.now(UTC), origin=f"profile-{i}", activate=True
            )


# --- (a) end to end -----------------------------------------------------------------------------------


def _prepare(folder: str, consignments: int, seed: int, chunk: int, ecommerce: bool = False) -> dict[str, Any]:
    """In a child process: generate the day and write JSON lines files of about `chunk` consignments each."""
    from safelane.demo import generate
    from safelane.demo.ecommerce import parcel_day

    started = time.perf_counter()
    traffic = parcel_day(DAY, consignments, seed) if ecommerce else generate(DAY, consignments, seed)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    files, lines, count, size = 0, [], 0, 0
    for filing in traffic.filings:
        lines.append(orjson.dumps(filing))
        count += len(filing["consignments"])
        if count >= chunk:
            size += _write(Path(folder) / f"chunk-{files:05d}.jsonl", lines)
            files, lines, count = files + 1, [], 0
    if lines:
        size += _write(Path(folder) / f"chunk-{files:05d}.jsonl", lines)
        files += 1
    return {
        "generate_s": round(generated, 2),
        "serialise_s": round(time.perf_counter() - started, 2),
        "filings": len(traffic.filings),
        "chunks": files,
        "input_mb": round(size / 1e6, 1),
        "generator_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "ecommerce_planted": [[*key, code] for key, code in traffic.ecommerce.items()] if ecommerce else [],
    }


def _write(path: Path, lines: list[bytes]) -> int:
    data = b"\n".join(lines) + b"\n"
    path.write_bytes(data)
    return len(data)


class _Clock:
    """Accumulated wall and CPU seconds spent inside wrapped functions.

    CPU time is what one core can do; wall time also counts fsync waits and, on a shared machine,
    other tenants' processes."""

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self.cpu: Counter[str] = Counter()

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started
                self.cpu[name] += time.process_time() - cpu

        return timed


class _Collections:
    """CPU seconds and count of the cyclic garbage collector's passes, per generation (`gc.callbacks`)."""

    def __init__(self) -> None:
        self.cpu: Counter[int] = Counter()
        self.count: Counter[int] = Counter()
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.cpu[info["generation"]] += time.process_time() - self._started
            self.count[info["generation"]] += 1

    def report(self, consignments: int) -> dict[str, Any]:
        return {
            "us_per_consignment_cpu": round(sum(self.cpu.values()) / max(consignments, 1) * 1e6, 1),
            "collections_by_generation": {str(g): self.count[g] for g in sorted(self.count)},
            "threshold": list(gc.get_threshold()),
            "frozen_objects": gc.get_freeze_count(),
        }


def _instrument(pipeline: Any, clock: _Clock) -> Callable[[], None]:
    """Time the stages by wrapping what the pipeline calls; returns a function that undoes it."""
    import safelane.pipeline as pipeline_module
    from safelane.store import filings as filing_store

    undo: list[Callable[[], None]] = []
    for assessor in pipeline.engine.assessors:
        original = assessor.assess
        assessor.assess = clock.wrap(f"assess.{assessor.name}", original)
        undo.append(lambda a=assessor, o=original: setattr(a, "assess", o))
        if hasattr(assessor, "record"):  # its own rows, written in the store transaction
            kept = assessor.record
            assessor.record = clock.wrap(f"store.record_{assessor.name}", kept)
            undo.append(lambda a=assessor, o=kept: setattr(a, "record", o))
    for module, name, label in (
        (pipeline_module, "decide", "decide"),
        (pipeline_module, "allocate", "decide"),
        (pipeline_module, "canonical", "store.hash"),
        (pipeline_module, "content_hash", "store.hash"),
        (filing_store, "known_filings", "store.lookup"),
        (filing_store, "save", "store.save"),
    ):
        original = getattr(module, name, None)
        if original is not None:
            setattr(module, name, clock.wrap(label, original))
            undo.append(lambda m=module, n=name, o=original: setattr(m, n, o))

    def restore() -> None:
        for step in undo:
            step()

    return restore


def end_to_end(args: argparse.Namespace, workdir: Path, texts: list[str], agency_texts: list[str]) -> dict[str, Any]:
    from safelane.settings import Settings
    from safelane.system import build

    folder = workdir / "input"
    folder.mkdir()
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        prepared = pool.submit(_prepare, str(folder), args.consignments, args.seed, args.chunk, args.ecommerce).result()
    planted = {(document, reference): code for document, reference, code in prepared.pop("ecommerce_planted")}
    caught: Counter[str] = Counter()
    ecommerce_findings: Counter[str] = Counter()
    chunks = [path.read_bytes() for path in sorted(folder.glob("*.jsonl"))]

    system = build(Settings(database_url=f"sqlite:///{workdir / 'end_to_end.db'}"))
    assert system.db is not None
    store_profiles(system.db, texts + agency_texts)
    if system.profiles is not None:
        system.profiles.refresh()
    register = register_traders(system, args.operators, args.seed)
    _warm_reference_tables()
    if args.gc_freeze:  # what a server could do after start-up: long-lived objects leave the cyclic GC's scans
        gc.collect()
        gc.freeze()
    pipeline = system.pipeline
    clock = _Clock()
    undo = _instrument(pipeline, clock)
    outcomes: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    hit_consignments = 0
    profiler = cProfile.Profile() if args.profile_out else None
    parse = clock.wrap("parse", pipeline.parse)
    submit = clock.wrap("submit", pipeline.submit)
    collections = _Collections()
    gc.callbacks.append(collections)
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    for data in chunks:
        filings = parse(data, filer=None, format="jsonl", actor="benchmark")
        results = submit(filings, actor="benchmark")
        for result in results:
            for item in result.consignments:
                outcomes[f"{item.answer}:{item.outcome}"] += 1
                codes = [f["code"] for f in item.findings if f["assessor"] == "profiles"]
                hits.update(codes)
                found = {f["code"] for f in item.findings if f["assessor"] == "ecommerce"}
                ecommerce_findings.update(found)
                intended = planted.get((result.document_number, item.reference))
                if intended is not None and intended in found:
                    caught[intended] += 1
                hit_consignments += bool(codes)
    if profiler:
        profiler.disable()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    gc.callbacks.remove(collections)
    undo()
    system.db.dispose()

    stored = sum(outcomes.values())

    def stages(seconds: Counter[str]) -> dict[str, Any]:
        assess_decide = sum(v for k, v in seconds.items() if k.startswith("assess.")) + seconds["decide"]
        store = seconds["submit"] - assess_decide
        named = {k.removeprefix("store."): round(v, 2) for k, v in sorted(seconds.items()) if k.startswith("store.")}
        return {
            "parse": _stage(seconds["parse"], stored),
            "assess_decide": _stage(assess_decide, stored),
            "store": _stage(store, stored),
            "assess_by_assessor_s": {
                k.removeprefix("assess."): round(v, 2) for k, v in sorted(seconds.items()) if k.startswith("assess.")
            },
            "decide_s": round(seconds["decide"], 2),
            "store_breakdown_s": {**named, "plan_commit_other": round(store - sum(named.values()), 2)},
        }

    report: dict[str, Any] = {
        "consignments": stored,
        **prepared,
        "profiles_active": len(texts),
        "trusted_traders": register,
        "assess_us_per_consignment_cpu": {
            k.removeprefix("assess."): round(v / stored * 1e6, 2) if stored else 0
            for k, v in sorted(clock.cpu.items())
            if k.startswith("assess.")
        },
        "chunk_consignments": args.chunk,
        "gc_freeze": args.gc_freeze,
        "garbage_collection": collections.report(stored),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "consignments_per_s": round(stored / wall),
        "consignments_per_cpu_s": round(stored / cpu),
        "stages_wall": stages(clock.seconds),
        "stages_cpu": stages(clock.cpu),
        "database_mb": round((workdir / "end_to_end.db").stat().st_size / 1e6, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "outcomes": dict(sorted(outcomes.items())),
        "consignments_with_profile_hit": hit_consignments,
        "top_profile_hits": dict(hits.most_common(10)),
        "profiled": bool(profiler),
    }
    if args.ecommerce:
        report["ecommerce"] = _ecommerce_report(clock, stored, planted, caught, ecommerce_findings)
    if agency_texts:
        report["agencies"] = _agency_report(pipeline, chunks, texts, agency_texts, args.agencies)
    if profiler:
        profiler.dump_stats(args.profile_out)
        report["hot_spots"] = _hot_spots(args.profile_out)
    return report


def _agency_report(
    pipeline: Any, chunks: list[bytes], texts: list[str], agency_texts: list[str], agencies: int
) -> dict[str, Any]:
    """What the agencies' rules cost per consignment against the customs profiles' (their budget), each set
    evaluated alone over the same lodgements (at most 20,000 of the day), and what the agencies' rules hit."""
    received = datetime(DAY.year, DAY.month, DAY.day, 12, tzinfo=UTC)
    lodgements: list[Any] = []
    for data in chunks:
        for filing in pipeline.parse(data, filer=None, format="jsonl", actor="benchmark"):
            lodgements += pipeline._lodgements(filing, received, False)
        if len(lodgements) >= 20_000:
            break
    customs = profile_cost(texts, lodgements)
    agency = profile_cost(agency_texts, lodgements)
    together = profile_cost(texts + agency_texts, lodgements)
    return {
        "agencies": agencies,
        "agency_profiles": len(agency_texts),
        "consignments_measured": len(lodgements),
        "customs_profiles": customs,
        "agency_profiles_alone": agency,
        "all_profiles": together,
        "budget_us_per_consignment": customs["cpu_us_per_consignment_median"],
        "agency_added_us_per_consignment": round(
            together["cpu_us_per_consignment_median"] - customs["cpu_us_per_consignment_median"], 2
        ),
        "within_budget": agency["cpu_us_per_consignment_median"] <= customs["cpu_us_per_consignment_median"],
    }


def register_traders(system: Any, operators: int, seed: int) -> dict[str, Any]:
    """Register `operators` trusted traders (the demo's, then made-up ones) and load the in-memory register
    before timing, as a running server has it loaded."""
    if operators <= 0:
        return {"operators": 0}
    from safelane.demo import traders as demo_traders

    own = len(demo_traders.register_rows(seed))
    started = time.perf_counter()
    note = demo_traders.load(
        system.db, at=datetime(2026, 11, 1, tzinfo=UTC), seed=seed, synthetic=max(0, operators - own)
    )
    imported = time.perf_counter() - started
    started, loaded = time.perf_counter(), 0
    for assessor in system.pipeline.engine.assessors:
        register = getattr(assessor, "register", None)
        if register is not None:
            loaded = len(register())
    return {
        "operators": loaded,
        "import_s": round(imported, 1),
        "register_build_s": round(time.perf_counter() - started, 1),
        "note": note,
    }


def _ecommerce_report(
    clock: _Clock, stored: int, planted: dict[tuple[str, str], str], caught: Counter[str], found: Counter[str]
) -> dict[str, Any]:
    """The e-commerce assessor's added cost (CPU, per consignment) and what it caught of what was planted."""
    assess, record = clock.cpu["assess.ecommerce"], clock.cpu["store.record_ecommerce"]
    return {
        "assess_cpu_us_per_consignment": round(assess / stored * 1e6, 1),
        "record_cpu_us_per_consignment": round(record / stored * 1e6, 1),
        "added_cpu_us_per_consignment": round((assess + record) / stored * 1e6, 1),
        "planted": dict(Counter(planted.values())),
        "planted_caught": dict(caught),
        "findings": dict(found.most_common()),
    }


def _warm_reference_tables() -> None:
    """Load the packaged tables before timing: a running server has them loaded; a cold start is not throughput."""
    from safelane.reference import tables

    tables.location_known("NLRTM")
    tables.hs_subheading_known("851713")
    tables.country_known("DE")
    tables.currency_known("USD")
    from safelane.reference.rates import convert

    convert(1.0, "USD", "EUR", DAY)  # the ECB rate history, read on first use


def _stage(seconds: float, consignments: int) -> dict[str, float]:
    return {
        "s": round(seconds, 2),
        "consignments_per_s": round(consignments / seconds) if seconds else 0,
        "us_per_consignment": round(seconds / consignments * 1e6, 1) if consignments else 0,
    }


def _hot_spots(path: str, top: int = 15) -> list[dict[str, Any]]:
    stats = pstats.Stats(path)
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:top]  # type: ignore[attr-defined]
    return [
        {
            "function": f"{Path(file).name}:{line}({name})",
            "calls": calls,
            "self_s": round(self_s, 2),
            "cumulative_s": round(cum_s, 2),
        }
        for (file, line, name), (_, calls, self_s, cum_s, _) in rows
    ]


# --- (b) HTTP ------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _single_consignment_bodies(count: int, seed: int) -> list[bytes]:
    """Each consignment of a generated day as its own filing (the API sets the filer from the key)."""
    from safelane.demo import generate

    bodies = []
    for filing in generate(DAY, count, seed, filers={}).filings:
        for consignment in filing["consignments"]:
            reference = consignment.get("house_document") or consignment["master_document"]
            bodies.append(
                orjson.dumps(
                    {
                        "document_number": reference,
                        "version": 1,
                        "kind": filing["kind"],
                        "filed_at": filing["filed_at"],
                        "consignments": [consignment],
                    }
                )
            )
    return bodies


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {"p50_ms": at(0.50), "p90_ms": at(0.90), "p99_ms": at(0.99), "max_ms": round(ordered[-1] * 1000, 1)}


async def _open_loop(
    base: str, key: str, bodies: list[bytes], rate: float, warmup: int, connections: int, drain: float
) -> dict[str, Any]:
    """Requests fall due on a fixed schedule; due ones queue for one of `connections` keep-alive connections.

    The schedule never waits for answers (open loop), and latency counts from the due time, so time spent
    queueing behind a slow server is measured, not hidden. Requests still unanswered `drain` seconds after
    the last one fell due are cancelled and counted as errors ("unfinished"), which bounds the run.
    """
    import httpx

    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    timeout = httpx.Timeout(30.0, pool=None)
    answers: list[tuple[float, float, float, str]] = []
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=timeout, limits=limits) as client:
        for body in bodies[:warmup]:  # first requests load reference tables and warm caches; not measured
            await client.post(FILINGS_PATH, content=body)
        queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()

        async def connection() -> None:
            while (item := await queue.get()) is not None:
                due, body = item
                sent = time.perf_counter()
                try:
                    status = str((await client.post(FILINGS_PATH, content=body)).status_code)
                except httpx.HTTPError as error:
                    status = type(error).__name__
                done = time.perf_counter()
                answers.append((done - due, done - sent, sent - due, status))

        workers = [asyncio.create_task(connection()) for _ in range(connections)]
        measured = bodies[warmup:]
        start = time.perf_counter() + 0.05
        lag = 0.0
        for index, body in enumerate(measured):
            due = start + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            lag = max(lag, time.perf_counter() - due)
            queue.put_nowait((due, body))
        for _ in workers:
            queue.put_nowait(None)
        last_due = start + (len(measured) - 1) / rate
        _, pending = await asyncio.wait(workers, timeout=max(0.0, last_due + drain - time.perf_counter()))
        for task in pending:
            task.cancel()
        finished = time.perf_counter()
    statuses = Counter(a[3] for a in answers)
    unfinished = len(measured) - len(answers)
    if unfinished:
        statuses["unfinished"] = unfinished
    return {
        "requests": len(measured),
        "connections": connections,
        "target_rate_per_s": rate,
        "answered_per_s": round(len(answers) / (finished - start), 1),
        "latency_from_due": _percentiles([a[0] for a in answers]),
        "service_time": _percentiles([a[1] for a in answers]),
        "queue_wait_max_ms": round(max((a[2] for a in answers), default=0.0) * 1000, 1),
        "scheduler_lag_max_ms": round(lag * 1000, 1),
        "errors": sum(n for s, n in statuses.items() if s not in ("200", "201")),
        "statuses": dict(statuses),
    }


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc), to report the server's cost per request."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def http(args: argparse.Namespace, workdir: Path, texts: list[str]) -> dict[str, Any]:
    from safelane.store import Database
    from safelane.store import users as user_store

    url = f"sqlite:///{workdir / 'http.db'}"
    db = Database(url)
    db.migrate()
    store_profiles(db, texts)
    with db.write() as conn:
        key = user_store.add(conn, "bench-filer", "filer", at=datetime.now(UTC), actor="benchmark")
    db.dispose()
    bodies = _single_consignment_bodies(int(args.rate * args.seconds) + args.warmup, args.seed + 1)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (workdir / "server.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "safelane.cli.main",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--database",
            url,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "SAFELANE_LOG_LEVEL": "WARNING"},
    )
    try:
        from _load import wait_healthy  # this folder is on the path when the script is run

        wait_healthy(base, server)
        cpu_before = _cpu_seconds(server.pid)
        report = asyncio.run(
            _open_loop(base, key, bodies, args.rate, args.warmup, args.connections, drain=max(10.0, args.seconds))
        )
        cpu_after = _cpu_seconds(server.pid)
        if cpu_before is not None and cpu_after is not None and report["requests"]:
            report["server_cpu_ms_per_request"] = round((cpu_after - cpu_before) / report["requests"] * 1000, 2)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    return {"seconds": args.seconds, "warmup_requests": args.warmup, "profiles_active": len(texts), **report}


# --- main -----------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--consignments", type=int, default=100_000, help="consignments in the end-to-end run")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of the HTTP load")
    parser.add_argument("--rate", type=float, default=200.0, help="HTTP filings per second (open loop)")
    parser.add_argument("--connections", type=int, default=32, help="HTTP keep-alive connections of the client")
    parser.add_argument("--warmup", type=int, default=50, help="HTTP requests sent first and not measured")
    parser.add_argument("--skip-http", action="store_true", help="run only the end-to-end benchmark")
    parser.add_argument("--skip-end-to-end", action="store_true", help="run only the HTTP benchmark")
    parser.add_argument("--profiles", type=int, default=200, help="active profiles (7 demo + generated)")
    parser.add_argument("--chunk", type=int, default=1000, help="consignments per Pipeline.submit batch")
    parser.add_argument("--operators", type=int, default=0, help="trusted traders registered (0: none)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, help="keep databases and logs here (default: a temp dir, removed)")
    parser.add_argument(
        "--gc-freeze", action="store_true", help="gc.freeze() after start-up, to measure what that would give a server"
    )
    parser.add_argument("--profile-out", help="cProfile the end-to-end loop into this file (slows it down)")
    parser.add_argument("--ecommerce", action="store_true", help="an e-commerce day: express parcels to consumers")
    parser.add_argument("--agencies", type=int, default=0, help="other border agencies with active profiles (0-5)")
    parser.add_argument("--agency-profiles", type=int, default=50, help="active profiles of each agency")
    args = parser.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="safelane-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    texts = profile_texts(args.profiles, args.seed)
    agency_texts = agency_profile_texts(args.agencies, args.agency_profiles, args.seed) if args.agencies else []
    result: dict[str, Any] = {
        "benchmark": "throughput",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
    }
    try:
        if not args.skip_end_to_end:
            result["end_to_end"] = end_to_end(args, workdir, texts, agency_texts)
        result["http"] = {"skipped": True} if args.skip_http else http(args, workdir, texts + agency_texts)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    result["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    sys.stdout.write(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode() + "\n")


if __name__ == "__main__":
    main()
