"""ePhyto certificates read and schema-validated per second on one core, and the matching cost per consignment.

    python benchmarks/ephyto.py tests/fixtures/messages/ephyto [--seconds 5]

Every .xml file in the folder that reads is used (the refused ones are counted apart), in turn, for `--seconds`;
the figure includes parsing, the Hub-schema validation and building the certificate. Prints one JSON object.
"""

import argparse
import json
import platform
import time
from pathlib import Path

from safelane.domain import Consignment, InvalidMessage
from safelane.ephyto.matching import compare
from safelane.ephyto.reader import read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder of SPSCertificate or Hub envelope XML files")
    parser.add_argument("--seconds", type=float, default=5.0)
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
                "python": platform.python_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
