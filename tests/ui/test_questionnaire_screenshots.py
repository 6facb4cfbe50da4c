"""Every questionnaire screen in both languages, saved under out/screens/questionnaires/<lang>/ and checked:
the question and every answer fit their places (nothing cut off, nothing spilling over another item)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF

from kiosk.config import StationConfig
from kiosk.domain import Measurement
from kiosk.instruments.model import load_instruments
from tests.ui.test_questionnaire_screens import guest_at_menu, q
from ui.driver import ScreenDriver, run_station

TCM = "tcm_constitution_elderly_33"
TEXTS = ("qQuestion", "qOriginal", "qPreamble", "qWordingNote", "qProgress", "qResultValue", "qResultAdvice",
         "qUrgentText", "qChooseIntro", "qNumber", "screenTitle", "qSuggestionNote")


def overflow(d: ScreenDriver, where: str) -> list[str]:
    """Visible texts cut off or taller than their place, and answer buttons whose words spill out."""
    found = []
    for name in TEXTS:
        item = d.app.item(name)
        if item is None:
            continue
        if item.property("truncated") or item.property("paintedHeight") > item.height() + 1:
            found.append(f"{where}: {name} does not fit: {str(item.property('text'))[:60]!r}")
    footer = d.app.item("qStop")
    footer_top = footer.mapToScene(QPointF(0, 0)).y() - 16 if footer is not None else 1e9
    n = 0
    while (btn := d.app.item(f"qOption_{n}")) is not None:
        if btn.mapToScene(QPointF(0, btn.height())).y() > footer_top:
            found.append(f"{where}: answer {n} runs under the footer")
        text = btn.property("contentItem")
        if text.property("paintedHeight") > text.height() + 1 or text.property("paintedWidth") > text.width() + 1:
            found.append(f"{where}: answer {n} spills out: {str(text.property('text'))[:60]!r}")
        if btn.height() < 60:
            found.append(f"{where}: answer {n} is only {btn.height():.0f} px high (60 px minimum)")
        n += 1
    return found


async def both(d: ScreenDriver, name: str, problems: list[str]) -> None:
    d.app.station.stillHere()  # the shots take longer than a resident's pause: no idle warning over them
    here = d.app.station.language
    for lang in (here, "zh" if here == "en" else "en"):
        d.app.station.setLanguage(lang)
        await d.settle(0.15)
        await d.shot(f"questionnaires/{name}")
        problems += overflow(d, f"{name} [{lang}]")
    d.app.station.setLanguage(here)
    await d.settle(0.05)


async def answer_for_shots(d: ScreenDriver) -> None:
    vm = q(d)
    if vm.itemType == "choice":
        vm.choose(vm.options[-1]["code"] if vm.instrumentId == "phq9" else vm.options[0]["code"])
    elif vm.isDays:
        vm.setNumber(3)
    else:
        vm.adjust(30)
        vm.confirmNumber()
    await d.settle(0.05)
    if vm.phase == "urgent":
        return
    return


def test_every_questionnaire_screen_in_both_languages_fits(tmp_path: Path, station_cfg: StationConfig,
                                                           shots_dir: Path) -> None:
    problems: list[str] = []

    async def scenario(d: ScreenDriver) -> None:
        await guest_at_menu(d, "1962")  # 64: every questionnaire is offered (IPAQ-SF to 69)
        for item, value, unit in (("height", 160.0, "cm"), ("weight", 64.0, "kg"), ("waist", 88.2, "cm")):
            d.app.session.add_measurement(Measurement(item, value, unit))  # TCM items 9 and 28 point at these
        await d.click("tile_questionnaires")
        await d.wait_screen("Questionnaire")
        await both(d, "00-choose", problems)
        for inst in load_instruments().values():
            q(d).open(inst.id)
            await d.settle(0.05)
            while q(d).phase in ("question", "urgent"):
                if q(d).phase == "urgent":
                    await both(d, f"{inst.id}-urgent", problems)
                    q(d).continueAfterUrgent()
                    continue
                await both(d, f"{inst.id}-{q(d).position:02d}", problems)
                if (inst.id, q(d).position) in ((TCM, 9), (TCM, 28)):  # BMI 25.0 -> option 3; waist 88 -> 3
                    assert [o["code"] for o in q(d).options if o["suggested"]] == ["3"]
                await answer_for_shots(d)
            await both(d, f"{inst.id}-result", problems)
            q(d).showChooser()
        q(d).open("gad7")
        q(d).choose("LA6571-9")
        q(d).stop()
        await both(d, "gad7-stopped", problems)

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False, timeout_s=600)
    shots = list((shots_dir / "en" / "questionnaires").glob("*.png"))
    asked = sum(len(i.items) for i in load_instruments().values())
    assert len(shots) >= asked, f"expected a screenshot of each of the {asked} questions, got {len(shots)}"
    assert not problems, "\n".join(problems)
