"""Prometheus metrics, in a registry per app so several apps (tests, workers) never collide."""

from collections.abc import Iterable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

from safelane.results import FilingResult

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.filings = Counter(
            "safelane_filings_received",
            "Filings received, by message format and what became of them",
            ["format", "status"],
            registry=self.registry,
        )
        self.decisions = Counter(
            "safelane_decisions",
            "Decisions made on newly accepted filing versions, by answer and outcome",
            ["answer", "outcome"],
            registry=self.registry,
        )
        self.actions = Counter(
            "safelane_decision_actions",
            "Lifecycle actions applied to decisions, by action and resulting outcome",
            ["action", "outcome"],
            registry=self.registry,
        )
        self.requests = Histogram(
            "safelane_http_request_duration_seconds",
            "HTTP request duration, by route template and status",
            ["method", "route", "status"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )

    def received(self, format: str, results: Iterable[FilingResult]) -> None:
        for result in results:
            self.filings.labels(format, result.status).inc()
            if result.status == "accepted":
                for item in result.consignments:
                    self.decisions.labels(item.answer, item.outcome).inc()

    def rejected(self, format: str) -> None:
        self.filings.labels(format, "rejected").inc()

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
