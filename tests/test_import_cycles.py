"""No module imports itself back through others, and the core imports no wing (DESIGN.md's dependency rule).

A cycle makes import order matter and hides which layer a module belongs to; the tidy-up of issue 15
removed the last ones (storage <-> audit, report <-> prescription, demo screens <-> the UI entry point,
the technician view-models), and this keeps them from returning.
"""

from __future__ import annotations

from pathlib import Path

from tests.import_graph import cycles, import_graph

ROOT = Path(__file__).resolve().parents[1]


def test_no_import_cycles_in_the_project() -> None:
    found = cycles(import_graph(ROOT))
    assert found == [], "import cycles (each line: modules that import one another):\n" + "\n".join(
        " <-> ".join(c) for c in found)


def test_the_core_imports_no_wing() -> None:
    graph = import_graph(ROOT)
    wings = ("drivers", "vision", "sync", "ui")
    bad = sorted(f"{m} -> {d}" for m, deps in graph.items() if m.split(".")[0] == "kiosk"
                 for d in deps if d.split(".")[0] in wings)
    assert bad == [], "kiosk/ must not import drivers/, vision/, sync/ or ui/:\n" + "\n".join(bad)


def test_the_detector_finds_a_cycle_and_ignores_type_checking_imports(tmp_path: Path) -> None:
    pkg = tmp_path / "kiosk"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from kiosk import b\n")
    (pkg / "b.py").write_text("def f():\n    from kiosk.a import x\n")  # a lazy import is still a dependency
    (pkg / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from kiosk.d import D\n")
    (pkg / "d.py").write_text("from . import c\n")
    graph = import_graph(tmp_path, ("kiosk",))
    assert graph["kiosk.d"] == {"kiosk.c"} and graph["kiosk.c"] == set()
    assert cycles(graph) == [["kiosk.a", "kiosk.b"]]
