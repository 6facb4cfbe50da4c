"""Self-assessment questionnaires: instruments as data, their scoring and safety rules (no Qt, no I/O but loading)."""
