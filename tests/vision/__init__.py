"""Tests of the vision wing (capture, pose backend, filtering, pipeline, analysers, framing, CLI)."""
