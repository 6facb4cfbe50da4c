"""Reading a screening pack: yes/no flag rules by measure, sex and age band."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kiosk.norms import model as m
from kiosk.norms.read_classes import _sex_or_any

RULE_COLUMNS = ("flag", "measure", "sex", "age_min", "age_max", "op", "threshold", "basis")
OPS = ("<", "<=", ">=", ">")


def read_flags(ctx: Any, raw: Mapping[str, Any]) -> dict[str, m.FlagInfo]:
    """The pack's [flags.NAME] tables: label and advice in both languages."""
    flags = {}
    for name, f in ctx.get(raw, "flags", dict, "").items():
        g = lambda k, f=f, name=name: ctx.get(f, k, str, f"flags.{name}")  # noqa: E731
        flags[name] = m.FlagInfo(name, g("label_en"), g("label_zh"), str(f.get("advice_en", "")),
                                 str(f.get("advice_zh", "")))
    return flags


def read(ctx: Any, raw: Mapping[str, Any], measures: Callable[..., Mapping[str, m.MeasureSpec]]) -> m.ScreeningScheme:
    specs = measures(ctx, raw, "measures")
    flags = read_flags(ctx, raw)
    path, rows = ctx.csv(ctx.get(ctx.get(raw, "screening", dict, ""), "file", str, "screening"), RULE_COLUMNS)
    rules = []
    for line, r in rows:
        if r["flag"] not in flags:
            raise ctx.err(f"flag {r['flag']!r} is not declared under [flags]", file=path, row=line)
        if r["measure"] not in specs:
            raise ctx.err(f"measure {r['measure']!r} is not declared under [measures]", file=path, row=line)
        if r["op"] not in OPS:
            raise ctx.err(f"op {r['op']!r} is not one of {', '.join(OPS)}", file=path, row=line)
        if not r["basis"]:
            raise ctx.err("every rule needs its basis (source and cut-off in one line)", file=path, row=line)
        rules.append(m.ScreeningRule(
            r["flag"], r["measure"], _sex_or_any(ctx, r["sex"], path, line),
            ctx.int_(r["age_min"], "age_min", file=path, row=line),
            ctx.int_(r["age_max"], "age_max", file=path, row=line),
            r["op"], ctx.dec(r["threshold"], "threshold", file=path, row=line), r["basis"], line))
    return m.ScreeningScheme(specs, tuple(rules), m.frozen_map(flags), path.name)
