"""The tamper-evident audit trail: verify the hash chain, anchor its head, watch its tail, audit officers' reads."""
