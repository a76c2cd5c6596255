"""What a late ePhyto costs: finding the consignments it belongs to among the open ones, and re-assessing them.

    python benchmarks/reassessment.py [--open 5000] [--certificates 20]

A fresh SQLite store holds `--open` plant consignments, each held by a plant-health "documents" requirement
(N851), each quoting its own certificate number. Then `--certificates` matching certificates arrive one by one;
each is stored and `certificate_received` finds its consignment and re-assesses it through `Pipeline.reassess`.
The lookup alone (`open_with_certificate`, the late-certificate index) is timed first, for the same certificates.
CPU time (process_time) is reported, as the machine is shared. Prints one JSON object.
"""

import argparse
import json
import platform
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import orjson

from safelane.documents.arrivals import certificate_received
from safelane.ephyto.reader import read
from safelane.settings import Settings
from safelane.store import certificates as certificate_store
from safelane.store import profiles as profile_store
from safelane.store import reassessments as reassessment_store
from safelane.system import build

AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
CERTIFICATE = Path(__file__).parents[1] / "tests" / "fixtures" / "messages" / "ephyto" / "matching.xml"
PROFILE = """id: PH-BENCH
version: "1"
title: Plants for planting need a phytosanitary certificate
owner: plant_health
agency: plant_health
rationale: Benchmark.
valid_from: "2026-01-01"
when:
  hs_prefix: ['0602']
outcome:
  requirement: documents
  documents: [N851]
"""


def _consignment(n: int) -> dict:
    return {
        "mode": "sea",
        "master_document": f"MAEU{n:09d}",
        "consignor": {"name": "Juan Perez"},
        "consignee": {"name": f"Importer {n}"},
        "goods": [
            {
                "description": "Ribes alpinum plants for planting",
                "hs_code": "060290",
                "packages": 100,
                "gross_mass_kg": 60,
                "net_mass_kg": 10,
                "origin_country": "AR",
            }
        ],
        "itinerary": {"place_of_loading": "ARBUE", "place_of_unloading": "NLRTM"},
        "transport_means": {"identifier": "9999999", "name": "BLACK PEARL"},
        "documents": [{"type": "N851", "reference": f"AR-BENCH-{n:06d}"}],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=5000, help="open consignments in the store")
    parser.add_argument("--certificates", type=int, default=20, help="late certificates timed")
    args = parser.parse_args()
    template = CERTIFICATE.read_bytes()
    found = read(template)
    with tempfile.TemporaryDirectory() as folder:
        system = build(Settings(database_url=f"sqlite:///{Path(folder) / 'late.db'}"))
        system.pipeline.clock = lambda: AT
        with system.db.write() as conn:
            profile_store.save(conn, PROFILE, actor="bench", at=AT, origin="bench.yaml", activate=True)
        system.profiles.refresh()
        for start in range(0, args.open, 500):
            filing = {
                "document_number": f"BENCH-{start}",
                "version": 1,
                "consignments": [_consignment(n) for n in range(start, min(start + 500, args.open))],
            }
            system.pipeline.submit_message(orjson.dumps(filing), filer="acme", actor="acme")
        step = max(1, args.open // args.certificates)
        chosen = list(range(0, args.open, step))[: args.certificates]
        lookup = time.process_time()
        with system.db.read() as conn:  # the lookup alone: which open consignments may travel with it
            since = reassessment_store.window(AT)
            for n in chosen:
                number, consignee = f"AR-BENCH-{n:06d}", f"Importer {n}"
                assert reassessment_store.open_with_certificate(conn, number, "Juan Perez", consignee, since=since)
        lookup = time.process_time() - lookup
        released = 0
        cpu, wall = time.process_time(), time.perf_counter()
        for n in chosen:
            certificate = replace(
                found.certificate,
                certificate_id=f"AR-BENCH-{n:06d}",
                consignee=replace(found.certificate.consignee, name=f"Importer {n}"),  # type: ignore[type-var]
                replaces=None,
            )
            with system.db.write() as conn:
                stored, _ = certificate_store.save(
                    conn, certificate, found.warnings, template + str(n).encode(), at=AT, actor="bench"
                )
            for result in certificate_received(system.pipeline, stored.certificate, actor="bench"):
                released += all(r["action"] == "release" for r in result.requirements)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        system.db.dispose()
    print(
        json.dumps(
            {
                "benchmark": "reassessment",
                "open_consignments": args.open,
                "late_certificates": len(chosen),
                "consignments_released": released,
                "cpu_ms_per_late_certificate": round(cpu / len(chosen) * 1000, 1),
                "lookup_cpu_ms_per_certificate": round(lookup / len(chosen) * 1000, 2),
                "wall_ms_per_late_certificate": round(wall / len(chosen) * 1000, 1),
                "python": platform.python_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
