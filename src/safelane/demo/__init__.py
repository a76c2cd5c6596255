"""The demo: profiles a targeting centre might run, and synthetic traffic that meets them.

`safelane demo` loads both into an empty database, a month of it (`month`), so a newcomer sees referrals,
channels, outcomes and a learned model with their reasons; tests and benchmarks use the same traffic so they
measure what the demo shows.
"""

from pathlib import Path

from safelane.demo.traffic import (
    DEMO_FILERS,
    SCENARIOS,
    Traffic,
    demo_day,
    filings_of,
    generate,
    generate_day,
    generate_hours,
)

PROFILES_DIR = Path(__file__).parent / "profiles"
"""The demo profiles, one YAML file each; every planted scenario in `traffic` hits one of them."""

__all__ = [
    "DEMO_FILERS",
    "PROFILES_DIR",
    "SCENARIOS",
    "Traffic",
    "demo_day",
    "filings_of",
    "generate",
    "generate_day",
    "generate_hours",
]
