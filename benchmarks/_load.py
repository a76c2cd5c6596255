"""What the benchmarks over a stored demo day share: the day through the real pipeline, and the machine's state.

A script in this folder imports it as `_load` (the folder is on the path when the script is run).
"""

import os
import platform
import subprocess
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from safelane.demo import Traffic, demo_day, filings_of, generate
from safelane.demo.timeline import batches
from safelane.system import System

CHUNK_MINUTES = 240  # batches of the filings of four hours, per filer (about 500 consignments of a 3000 day)


@dataclass(frozen=True)
class Day:
    day: date
    traffic: Traffic  # its `planted` names the consignment each demo profile should hit
    generate_seconds: float  # generated and validated into filings
    submit_seconds: float  # assessed, decided and stored by `Pipeline.submit`, in four-hour batches

    @property
    def seconds(self) -> float:
        return self.generate_seconds + self.submit_seconds


def demo_traffic(system: System, consignments: int, seed: int) -> Day:
    """Yesterday's demo traffic (`safelane.demo.generate`) submitted through the pipeline as `safelane demo` does."""
    day = demo_day()
    started = time.perf_counter()
    traffic = generate(day, consignments, seed)
    filings = filings_of(traffic)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    for batch in batches(filings, window=timedelta(minutes=CHUNK_MINUTES)):
        system.pipeline.submit(batch, actor=batch[0].filer or "demo")
    return Day(day, traffic, generated, time.perf_counter() - started)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine(load_at_start: list[float]) -> dict[str, Any]:
    """The machine is shared: the load average at both ends says how much a figure can be trusted."""
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_start": load_at_start,
        "load_average_at_end": load_average(),
    }


def callgrind(switch: str) -> None:
    """Instrumentation on or off ("on", "off") when running under `valgrind --tool=callgrind --instr-atstart=no`:
    an instruction count of only what is measured, which the machine's load does not change."""
    subprocess.run(["callgrind_control", "-i", switch, str(os.getpid())], check=True, capture_output=True)


def wait_healthy(base: str, server: subprocess.Popen, timeout: float = 60.0) -> None:
    """Wait until a started `safelane serve` answers /healthz; fail clearly if it exits or stays unhealthy."""
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"safelane serve exited with {server.returncode}; see server.log")
        try:
            if httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("safelane serve did not become healthy in time")
