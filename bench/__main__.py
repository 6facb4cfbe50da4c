"""Run every benchmark module, print its figures, and write them all to OUT/bench.json."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import platform
import sys
import time
from pathlib import Path

import bench


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--out", default="out/bench", help="folder for bench.json and artefacts")
    parser.add_argument("only", nargs="*", help="run only these modules (e.g. bench_grading)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    failed = False
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    for name in names:
        if args.only and name not in args.only:
            continue
        t0 = time.perf_counter()
        print(f"== {name}", flush=True)
        try:
            figures = importlib.import_module(f"bench.{name}").run(out)
        except Exception as e:  # one broken benchmark must not hide the others' figures
            failed = True
            figures = {"error": f"{type(e).__name__}: {e}"}
        figures["wall_s"] = round(time.perf_counter() - t0, 2)
        for k, v in figures.items():
            print(f"   {k:<48} {v}")
        results[name] = figures
    meta = {"python": sys.version.split()[0], "machine": platform.machine(), "cpus": __import__("os").cpu_count()}
    (out / "bench.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2, ensure_ascii=False))
    print(f"figures written to {out / 'bench.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
