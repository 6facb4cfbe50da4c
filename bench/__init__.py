"""Benchmarks (`make bench`): every bench/bench_*.py module has ``run(out_dir) -> dict`` of named figures."""
