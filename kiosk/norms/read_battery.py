"""Reading a battery pack (SPPB): points bands per measure, components, total categories and their flags."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kiosk.norms import model as m
from kiosk.norms.read_screening import read_flags

BAND_COLUMNS = ("component", "measure", "points", "low", "low_inclusive", "high", "high_inclusive", "basis")
CATEGORY_COLUMNS = ("scheme", "total_min", "total_max", "label_en", "label_zh", "flag", "basis")


def _flag01(ctx: Any, text: str, what: str, path: Any, line: int) -> bool:
    if text not in ("0", "1"):
        raise ctx.err(f"{what} {text!r} must be 1 (inclusive) or 0 (exclusive)", file=path, row=line)
    return text == "1"


def _bands(ctx: Any, t: Mapping[str, Any], specs: Mapping[str, m.MeasureSpec],
           components: Mapping[str, m.BatteryComponent]) -> tuple[tuple[m.PointsBand, ...], str]:
    path, rows = ctx.csv(ctx.get(t, "file", str, "bands"), BAND_COLUMNS)
    out = []
    for line, r in rows:
        comp = components.get(r["component"])
        if comp is None:
            raise ctx.err(f"component {r['component']!r} is not declared under [components]", file=path, row=line)
        if r["measure"] not in comp.measures:
            raise ctx.err(f"measure {r['measure']!r} is not one of component {comp.name}'s measures", file=path,
                          row=line)
        if not r["basis"]:
            raise ctx.err("every band needs its basis", file=path, row=line)
        low = ctx.dec(r["low"], "low", file=path, row=line) if r["low"] else None
        high = ctx.dec(r["high"], "high", file=path, row=line) if r["high"] else None
        low_inc = _flag01(ctx, r["low_inclusive"], "low_inclusive", path, line) if low is not None else False
        high_inc = _flag01(ctx, r["high_inclusive"], "high_inclusive", path, line) if high is not None else False
        out.append(m.PointsBand(comp.name, r["measure"], ctx.int_(r["points"], "points", file=path, row=line), low,
                                low_inc, high, high_inc, r["basis"], line))
    return tuple(out), path.name


def read(ctx: Any, raw: Mapping[str, Any], measures: Callable[..., Mapping[str, m.MeasureSpec]]) -> m.BatteryScheme:
    specs = measures(ctx, raw, "measures")
    components: dict[str, m.BatteryComponent] = {}
    for name, c in ctx.get(raw, "components", dict, "").items():
        where = f"components.{name}"
        names = tuple(ctx.get(c, "measures", list, where))
        unknown = [n for n in names if n not in specs]
        if not names or unknown:
            raise ctx.err(f"{where}.measures must name measures declared under [measures] (unknown: {unknown})")
        components[name] = m.BatteryComponent(name, ctx.get(c, "label_en", str, where),
                                              ctx.get(c, "label_zh", str, where), names,
                                              bool(c.get("sequential", False)), ctx.get(c, "points_max", int, where))
    used = [n for c in components.values() for n in c.measures]
    if len(used) != len(set(used)):
        raise ctx.err("a measure belongs to more than one component")
    bands, file = _bands(ctx, ctx.get(raw, "bands", dict, ""), specs, components)
    flags = read_flags(ctx, raw) if "flags" in raw else {}
    total = ctx.get(raw, "total", dict, "")
    path, rows = ctx.csv(ctx.get(total, "categories_file", str, "total"), CATEGORY_COLUMNS)
    cats = []
    for line, r in rows:
        if r["flag"] and r["flag"] not in flags:
            raise ctx.err(f"flag {r['flag']!r} is not declared under [flags]", file=path, row=line)
        if not r["basis"]:
            raise ctx.err("every category needs its basis", file=path, row=line)
        cats.append(m.TotalCategory(r["scheme"], ctx.int_(r["total_min"], "total_min", file=path, row=line),
                                    ctx.int_(r["total_max"], "total_max", file=path, row=line), r["label_en"],
                                    r["label_zh"], r["flag"], r["basis"], line))
    return m.BatteryScheme(specs, tuple(components.values()), bands, ctx.get(total, "points_max", int, "total"),
                           tuple(cats), m.frozen_map(flags), file, path.name)
