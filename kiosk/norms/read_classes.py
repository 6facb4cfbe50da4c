"""Reading the parts of a classes pack (clinical cut-offs) and a screening pack (older-adult flags)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kiosk.norms import model as m

CLASS_COLUMNS = ("group", "measure", "sex", "class", "label_en", "label_zh", "severity", "min", "max", "flag")


def _sex_or_any(ctx: Any, text: str, path: Any, line: int) -> str:
    if text not in ("M", "F", "*"):
        raise ctx.err(f"sex {text!r} is not 'M', 'F' or '*' (both)", file=path, row=line)
    return text


def read(ctx: Any, raw: Mapping[str, Any], measures: Callable[..., Mapping[str, m.MeasureSpec]]) -> m.ClassScheme:
    specs = measures(ctx, raw, "measures")
    groups_raw = ctx.get(raw, "groups", dict, "")
    groups = {}
    for name, g in groups_raw.items():
        combine = g.get("combine", "single")
        if combine not in ("single", "highest"):
            raise ctx.err(f"groups.{name}.combine {combine!r} is not 'single' or 'highest'")
        groups[name] = m.ClassGroup(name, ctx.get(g, "label_en", str, f"groups.{name}"),
                                    ctx.get(g, "label_zh", str, f"groups.{name}"), combine,
                                    ctx.get(g, "source", str, f"groups.{name}"))
    path, rows = ctx.csv(ctx.get(ctx.get(raw, "classes", dict, ""), "file", str, "classes"), CLASS_COLUMNS)
    bands = []
    for line, r in rows:
        if r["group"] not in groups:
            raise ctx.err(f"group {r['group']!r} is not declared under [groups]", file=path, row=line)
        if r["measure"] not in specs:
            raise ctx.err(f"measure {r['measure']!r} is not declared under [measures]", file=path, row=line)
        bound = lambda c, r=r, line=line: ctx.dec(r[c], c, file=path, row=line) if r[c] else None  # noqa: E731
        bands.append(m.ClassBand(r["group"], r["measure"], _sex_or_any(ctx, r["sex"], path, line), r["class"],
                                 r["label_en"], r["label_zh"], ctx.int_(r["severity"], "severity", file=path, row=line),
                                 bound("min"), bound("max"), r["flag"], line))
    special = []
    for i, s in enumerate(raw.get("special", [])):
        where = f"special[{i}]"
        conds = []
        for c in ctx.get(s, "when", list, where):
            if c.get("measure") not in specs:
                raise ctx.err(f"{where}.when names unknown measure {c.get('measure')!r}")
            low = ctx.dec(c["min"], f"{where}.when.min") if "min" in c else None
            high = ctx.dec(c["max"], f"{where}.when.max") if "max" in c else None
            conds.append(m.Condition(c["measure"], low, high))
        if ctx.get(s, "group", str, where) not in groups:
            raise ctx.err(f"{where}.group {s['group']!r} is not declared under [groups]")
        special.append(m.SpecialClass(s["group"], ctx.get(s, "class", str, where), ctx.get(s, "label_en", str, where),
                                      ctx.get(s, "label_zh", str, where), str(s.get("flag", "")), tuple(conds)))
    urgent = []
    for i, u in enumerate(raw.get("urgent", [])):
        where = f"urgent[{i}]"
        urgent.append(m.UrgentRule(ctx.get(u, "group", str, where), ctx.get(u, "class", str, where),
                                   ctx.get(u, "remeasure_after_min", int, where), ctx.get(u, "basis", str, where)))
        if not any(b.group == u["group"] and b.name == u["class"] for b in bands):
            raise ctx.err(f"{where} names class {u['class']!r} of group {u['group']!r}, which classes.csv lacks")
    return m.ClassScheme(specs, m.frozen_map(groups), tuple(bands), tuple(special), tuple(urgent), path.name)
