"""Stream mode: filings through a NATS JetStream work queue to any number of workers (docs/deployment.md)."""
