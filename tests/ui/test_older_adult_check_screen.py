"""The older-adult check through the real screens: offered from 60, runs in the battery's order, ends any time."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import StationConfig
from tests.ui.conftest import with_camera
from tests.ui.test_qr_scan import write_clip
from tests.ui.test_resident_flow import consent_and_safety, id_number, shot_both, start
from ui.driver import ScreenDriver, run_station


async def identify(d: ScreenDriver, first17: str) -> None:
    await start(d)
    await d.click("idChoice")
    await d.type_keys(id_number(first17))
    await d.click("numberSubmit")
    await consent_and_safety(d, camera=True)


def test_a_resident_of_70_gets_the_older_adult_check_and_can_end_it(tmp_path: Path, station_cfg: StationConfig,
                                                                    shots_dir: Path) -> None:
    cfg = with_camera(station_cfg, write_clip(tmp_path / "card.avi", "not a card"))

    async def scenario(d: ScreenDriver) -> None:
        await identify(d, "11010519560315001")  # born 1956-03-15
        assert d.visible("olderAdultCheckButton")
        # the older-adult camera tests are run by the check, not shown as tiles (19 tiles did not fit the screen)
        shown = {t["name"]: t["title"] for t in d.app.flow.tiles}
        assert not {"timed-up-and-go", "five-times-sit-to-stand", "balance-tandem"} & set(shown), shown
        assert all(title != name for name, title in shown.items()), "every tile has a title in words"
        await shot_both(d, "test-menu-older-adult")
        await d.click("olderAdultCheckButton")
        # blood pressure and grip have no calibration on record here (locked): the camera tests follow in order
        assert d.app.flow.currentTest == "arm-curl" and d.app.flow.fullCheckActive
        assert d.visible("endCheckButton")
        await shot_both(d, "older-adult-check-first-test")
        await d.click("endCheckButton")
        assert not d.app.flow.fullCheckActive and not d.visible("endCheckButton")
        d.app.flow.testFinished()  # the test screen is left (its own Stop / Continue): back to the menu
        await d.wait_screen("TestMenu")
        assert d.app.flow.currentTest == ""

    run_station(cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def test_a_resident_under_60_is_not_offered_the_older_adult_check(tmp_path: Path, station_cfg: StationConfig,
                                                                 shots_dir: Path) -> None:
    cfg = with_camera(station_cfg, write_clip(tmp_path / "card.avi", "not a card"))

    async def scenario(d: ScreenDriver) -> None:
        await identify(d, "11010519900315001")  # born 1990
        assert not d.visible("olderAdultCheckButton") and d.visible("fullCheckButton")

    run_station(cfg, scenario, shots_dir=shots_dir, start_uploader=False)
