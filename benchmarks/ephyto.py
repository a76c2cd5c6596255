"""ePhyto certificates read and schema-validated per second on one core, and what the ePhyto assessor adds
to the pipeline per consignment.

    python benchmarks/ephyto.py tests/fixtures/messages/ephyto [--seconds 5] [--stored 10000]

Every .xml file in the folder that reads is used (the refused ones are counted apart), in turn, for `--seconds`;
the figure includes parsing, the Hub-schema validation and building the certificate. The assessor is then timed
on a fresh SQLite store holding `--stored` certificates, in batches of 1,000 consignments of which one in ten
quotes a stored certificate. Prints one JSON object.
"""

import argparse
import json
import platform
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from safelane.domain import Consignment, FilingKind, InvalidMessage, Lodgement
from safelane.ephyto.assessor import CertificateAssessor
from safelane.ephyto.matching import compare
from safelane.ephyto.reader import read
from safelane.store import Database
from safelane.store import certificates as store

AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _assessor_microseconds(template: bytes, stored: int) -> float:
    """CPU-side cost per consignment of the ePhyto assessor over a store of `stored` certificates."""
    found = read(template)
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'ephyto.db'}")
        db.migrate()
        with db.write() as conn:
            for n in range(stored):
                certificate = replace(found.certificate, certificate_id=f"BENCH-{n:07d}", replaces=None)
                store.save(conn, certificate, found.warnings, template + str(n).encode(), at=AT, actor="bench")
        lodgements = []
        for n in range(1000):
            data = {
                "mode": "sea",
                "master_document": f"MAEU{n:09d}",
                "consignor": {"name": f"Shipper {n}"},
                "consignee": {"name": f"Importer {n}"},
                "goods": [{"description": "Ribes plants", "hs_code": "060290", "origin_country": "AR"}],
                "documents": [{"type": "N851", "reference": f"BENCH-{n * 10:07d}"}] if n % 10 == 0 else [],
            }
            consignment = Consignment.model_validate(data)
            lodgements.append(Lodgement(f"C{n}", consignment, FilingKind.PRE_ARRIVAL, "ACME", AT, "DOC", 1))
        assessor = CertificateAssessor(db)
        assessor.assess(lodgements)  # warm
        rounds, started = 10, time.perf_counter()
        for _ in range(rounds):
            assessor.assess(lodgements)
        elapsed = time.perf_counter() - started
        db.dispose()
    return elapsed / (rounds * len(lodgements)) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder of SPSCertificate or Hub envelope XML files")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--stored", type=int, default=10_000, help="certificates in the store the assessor reads")
    args = parser.parse_args()
    messages, refused = [], 0
    for path in sorted(args.folder.glob("*.xml")):
        data = path.read_bytes()
        try:
            read(data)
        except InvalidMessage:
            refused += 1
            continue
        messages.append(data)
    if not messages:
        raise SystemExit(f"no readable certificate in {args.folder}")
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < args.seconds:
        for data in messages:
            read(data)
        count += len(messages)
    certificate = read(messages[0]).certificate
    consignment = Consignment.model_validate(
        {
            "mode": "sea",
            "master_document": "MAEU123456789",
            "consignor": {"name": "Juan Perez"},
            "consignee": {"name": "Importer SA"},
            "goods": [{"description": "Ribes plants", "hs_code": "060290", "net_mass_kg": 10, "origin_country": "AR"}],
            "transport_means": {"identifier": "9999999", "name": "BLACK PEARL"},
        }
    )
    compared, matching_started = 0, time.perf_counter()
    while time.perf_counter() - matching_started < 1.0:
        compare(certificate, consignment)
        compared += 1
    matching_seconds = time.perf_counter() - matching_started
    assessor_us = _assessor_microseconds(messages[0], args.stored)
    print(
        json.dumps(
            {
                "benchmark": "ephyto",
                "files": len(messages),
                "refused_files": refused,
                "mean_bytes": round(sum(map(len, messages)) / len(messages)),
                "certificates": count,
                "seconds": round(elapsed, 2),
                "certificates_per_second": round(count / elapsed),
                "goal_per_second": 200,
                "matching_microseconds": round(matching_seconds / compared * 1e6, 1),
                "stored_certificates": args.stored,
                "assessor_microseconds_per_consignment": round(assessor_us, 1),
                "python": platform.python_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
