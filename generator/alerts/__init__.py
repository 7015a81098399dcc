"""Alert coverage: every alert in the Prometheus rule files has a runbook, and runbooks name only real alerts."""
