"""Sync to the regional health cloud: FHIR mapping, outbox batching, retry and quarantine."""
