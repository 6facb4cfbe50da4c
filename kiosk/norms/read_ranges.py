"""Reading a ranges pack: normal ranges (below / within / above) by item, sex and age band."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kiosk.norms import model as m
from kiosk.norms.read_points import _sex

RANGE_COLUMNS = ("item", "sex", "age_min", "age_max", "direction", "low", "high")
PERCENTILE_COLUMNS = ("item", "sex", "age_min", "age_max", "percentile", "value")


def read(ctx: Any, raw: Mapping[str, Any], measures: Callable[..., Mapping[str, m.MeasureSpec]]) -> m.RangeScheme:
    specs = measures(ctx, raw, "items")
    table = ctx.get(raw, "items", dict, "")
    abilities = {n: (ctx.get(table[n], "ability_en", str, f"items.{n}"), ctx.get(table[n], "ability_zh", str,
                                                                               f"items.{n}")) for n in specs}
    bands_raw = ctx.get(raw, "bands", dict, "")
    bands = {}
    for band in m.RANGE_BANDS:
        b = ctx.get(bands_raw, band, dict, "bands")
        g = lambda k, b=b, band=band: ctx.get(b, k, str, f"bands.{band}")  # noqa: E731
        bands[band] = m.BandText(g("label_en"), g("label_zh"), g("meaning_en"), g("meaning_zh"))
        for key in ("meaning_en", "meaning_zh"):
            try:
                g(key).format(ability="x", group="y")
            except (KeyError, IndexError, ValueError):
                raise ctx.err(f"bands.{band}.{key} may only use the fields {{ability}} and {{group}}") from None
    if set(bands_raw) - set(m.RANGE_BANDS):
        raise ctx.err(f"[bands] may only hold {', '.join(m.RANGE_BANDS)}")
    path, rows = ctx.csv(ctx.get(ctx.get(raw, "ranges", dict, ""), "file", str, "ranges"), RANGE_COLUMNS)
    out = []
    for line, r in rows:
        if r["item"] not in specs:
            raise ctx.err(f"item {r['item']!r} is not declared under [items] in pack.toml", file=path, row=line)
        try:
            direction = m.Direction(r["direction"])
        except ValueError:
            raise ctx.err(f"direction {r['direction']!r} is not one of {[d.value for d in m.Direction]}",
                          file=path, row=line) from None
        out.append(m.RangeRow(r["item"], _sex(ctx, r["sex"], path, line),
                              ctx.int_(r["age_min"], "age_min", file=path, row=line),
                              ctx.int_(r["age_max"], "age_max", file=path, row=line), direction,
                              ctx.dec(r["low"], "low", file=path, row=line),
                              ctx.dec(r["high"], "high", file=path, row=line), line))
    percentiles, pfile = _percentiles(ctx, ctx.get(raw, "ranges", dict, ""), specs)
    return m.RangeScheme(specs, m.frozen_map(abilities), tuple(out), m.frozen_map(bands), path.name,
                         m.frozen_map(percentiles), pfile)


def _percentiles(ctx: Any, t: Mapping[str, Any], specs: Mapping[str, m.MeasureSpec]) -> tuple[dict, str]:
    """The optional percentile table: ``item, sex, age_min, age_max, percentile, value`` rows."""
    if "percentiles_file" not in t:
        return {}, ""
    path, rows = ctx.csv(ctx.get(t, "percentiles_file", str, "ranges"), PERCENTILE_COLUMNS)
    table: dict[tuple[str, str, int], list[tuple[int, Any]]] = {}
    for line, r in rows:
        if r["item"] not in specs:
            raise ctx.err(f"item {r['item']!r} is not declared under [items] in pack.toml", file=path, row=line)
        pct = ctx.int_(r["percentile"], "percentile", file=path, row=line)
        if not 0 < pct < 100:
            raise ctx.err(f"percentile {pct} is not between 0 and 100", file=path, row=line)
        key = (r["item"], _sex(ctx, r["sex"], path, line), ctx.int_(r["age_min"], "age_min", file=path, row=line))
        table.setdefault(key, []).append((pct, ctx.dec(r["value"], "value", file=path, row=line)))
    return {k: tuple(sorted(v, reverse=True)) for k, v in table.items()}, path.name
