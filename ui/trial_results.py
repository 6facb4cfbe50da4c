"""A device test's stored trials as the screen lists them: plain numbers, and which one the item's rule keeps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kiosk.domain import ITEMS, Measurement
from kiosk.trials import select_graded
from ui.i18n import translate


def result_rows(item: str, trials: Sequence[Measurement], every: Sequence[Measurement]) -> list[dict[str, Any]]:
    """One row per trial of ``item`` (``every``: the session's measurements, for spirometry's companions)."""
    if not trials:
        return []
    graded = select_graded(item, list(trials))
    return [{"trial": m.trial, "text": result_text(m, every), "side": m.side.value if m.side else "",
             "best": int(m.id == graded.id)} for m in sorted(trials, key=lambda t: (t.trial, t.taken_at))]


def result_text(m: Measurement, every: Sequence[Measurement]) -> str:
    """One trial in plain numbers (spirometry shows its FEV1 and PEF from the same manoeuvre)."""
    if m.item == "blood_pressure":
        c = m.components
        return translate("DeviceTest", "%1/%2 mmHg, pulse %3").replace("%1", f"{c.get('systolic', m.value):.0f}") \
            .replace("%2", f"{c.get('diastolic', 0):.0f}").replace("%3", f"{c.get('pulse', 0):.0f}")
    if m.item == "fvc":
        same = {o.item: o.value for o in every if o.trial == m.trial and o.device_id == m.device_id}
        return f"FVC {m.value:.2f} L · FEV1 {same.get('fev1', 0):.2f} L · PEF {same.get('pef', 0):.1f} L/s"
    if m.item == "spo2":
        same = {o.item: o.value for o in every if o.trial == m.trial and o.device_id == m.device_id}
        return translate("DeviceTest", "SpO2 %1%, pulse %2 /min").replace("%1", f"{m.value:.0f}") \
            .replace("%2", f"{same.get('pulse_rate', 0):.0f}")
    decimals = ITEMS[m.item].decimals
    return f"{m.value:.{decimals}f} {m.unit}"


def counts_as_trial(item: str, quality_flags: frozenset[str]) -> bool:
    """A spirometry blow the ATS/ERS rules reject does not use up one of the trials; anything else does."""
    return item != "fvc" or not ({"fvc_not_acceptable", "fev1_not_acceptable"} & quality_flags)

