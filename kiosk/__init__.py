"""Station core: configuration, domain, storage, grading, prescription, report, audit. No Qt, no device I/O."""

__version__ = "0.1.0"
