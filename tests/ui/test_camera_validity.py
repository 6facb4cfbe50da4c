"""The camera test screen stores a test that did not run validly as not measured, with plain words why and
Try again; a valid test's protocol deviations are kept with its count. The analyser's result is built by hand."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from kiosk.config import StationConfig
from kiosk.domain import DEVIATION_FLAG_PREFIX, Method, NotMeasuredReason, Sex
from tests.ui.conftest import with_camera
from ui.driver import ScreenDriver, run_station
from ui.viewmodels import camera_test_text as words
from vision.analysers import ExerciseResult, ResultStatus, View


def _camera(cfg: StationConfig) -> StationConfig:
    """A camera source is configured (the test is offered); the stub pipeline never opens it."""
    return with_camera(cfg, Path("never-opened.mp4"))


@dataclass
class StubPipeline:
    """Stands in for the vision pipeline at the moment time is up: it only hands out the analyser's result."""

    outcome: ExerciseResult
    finish_asked: list[str] = field(default_factory=list)

    def result(self) -> ExerciseResult:
        return self.outcome

    def finish_test(self, reason: str) -> None:
        self.finish_asked.append(reason)

    def stop(self, timeout_s: float = 0) -> None:
        pass

    def wait(self, timeout_s: float = 0) -> bool:
        return True


def _result(exercise: str, count: int, *, valid: bool, reason: str | None = None,
            deviations: tuple[str, ...] = ()) -> ExerciseResult:
    return ExerciseResult(exercise, ResultStatus.FINISHED, View.SIDE, count=count, end_reason="time_up",
                          valid=valid, invalid_reason=reason, deviations=deviations)


async def _counting(d: ScreenDriver, exercise: str, outcome: ExerciseResult, lang: str):
    d.app.station.setLanguage(lang)
    d.app.session.start_guest(Sex.FEMALE, 1950)
    d.app.session.set_consent(True, True)
    d.app.session.set_safety({})
    model = d.app.viewmodels["cameraTest"]
    d.app.station.go("CameraTest")
    model.begin(exercise)
    await d.wait_item("readyButton")
    model._phase = "counting"  # as if Go had been given and the time had just run out
    model.pipeline = StubPipeline(outcome)
    return model


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_chair_stand_never_seen_seated_is_not_measured_with_plain_words_and_try_again(
        station_cfg: StationConfig, shots_dir: Path, lang: str) -> None:
    async def scenario(d: ScreenDriver) -> None:
        model = await _counting(d, "chair-stand", _result("chair-stand", 0, valid=False,
                                                          reason="no_start_posture"), lang)
        model._finished(0)
        await d.wait_item("notMeasuredText")
        assert model.phase == "not_measured"
        assert not d.app.session.measurements, "an invalid test must store no value, not a 0 that gets graded"
        (nm,) = d.app.session.not_measured
        assert (nm.item, nm.reason, nm.method, nm.device_id) == (
            "chair_stand_30s", NotMeasuredReason.NO_START_POSTURE, Method.CAMERA, "camera")
        text = d.text("notMeasuredText")
        assert text == words.not_measured_sentence("chair-stand", "no_start_posture")
        if lang == "en":
            assert "no score" in text and "try again" in text.lower()
        else:
            assert "没有成绩" in text and "再试一次" in text
        assert d.app.voice.history[-1] == text, "the reason is spoken too"
        assert d.visible("tryAgainButton") and d.visible("continueButton") and not d.visible("resultCount")
        await d.shot("camera-test-not-measured")
        other = "zh" if lang == "en" else "en"
        d.app.station.setLanguage(other)  # a language switch words the reason again
        await d.settle(0.2)
        assert d.text("notMeasuredText") != text and d.app.session.not_measured == [nm]
        d.app.station.setLanguage(lang)
        await d.settle(0.2)
        assert d.text("notMeasuredText") == text
        await d.click("tryAgainButton")
        await d.until(lambda: model.phase == "instructions", 5, "the instructions again")
        assert model.exercise == "chair-stand"

    run_station(_camera(station_cfg), scenario, shots_dir=shots_dir, start_uploader=False)


def test_a_test_out_of_view_for_most_of_it_says_so(station_cfg: StationConfig) -> None:
    async def scenario(d: ScreenDriver) -> None:
        model = await _counting(d, "squat", _result("squat", 7, valid=False, reason="out_of_view"), "en")
        model._finished(7)
        await d.wait_item("notMeasuredText")
        assert d.text("notMeasuredText") == ("I could not see you for most of the test, so there is no score. "
                                             "You can try again.")
        assert [n.reason for n in d.app.session.not_measured] == [NotMeasuredReason.OUT_OF_VIEW]
        assert not d.app.session.measurements and model.count == 0, "the 7 of an invalid test is shown nowhere"
        assert d.app.viewmodels["flow"].finish() is False, "a not-measured test is not a test done for Finish"
        assert not d.app.session.hasReport

    run_station(_camera(station_cfg), scenario, start_uploader=False)


def test_a_valid_test_keeps_its_count_and_its_protocol_deviations(station_cfg: StationConfig) -> None:
    async def scenario(d: ScreenDriver) -> None:
        model = await _counting(d, "arm-curl", _result("arm-curl", 14, valid=True,
                                                       deviations=("standing_arm_curl",)), "en")
        model._finished(14)
        await d.wait_item("resultCount")
        (m,) = d.app.session.measurements
        assert (m.item, m.value) == ("arm_curl_30s", 14.0) and not d.app.session.not_measured
        assert DEVIATION_FLAG_PREFIX + "standing_arm_curl" in m.quality_flags, "the doctor must see the deviation"

    run_station(_camera(station_cfg), scenario, start_uploader=False)


def test_a_hint_on_screen_is_worded_again_when_the_language_changes(station_cfg: StationConfig) -> None:
    """The demo's English screen showed a hint still in Chinese: hints were made once, in the language then."""

    async def scenario(d: ScreenDriver) -> None:
        model = await _counting(d, "squat", _result("squat", 0, valid=True), "zh")
        model._set_hint(lambda: words.hint("step_back"), speak=False)
        zh = model.property("hint")
        d.app.station.setLanguage("en")
        await d.settle(0.2)
        assert model.property("hint") == words.hint("step_back") != zh
        assert "step back" in model.property("hint")

    run_station(_camera(station_cfg), scenario, start_uploader=False)


def test_a_camera_that_fails_mid_test_is_stored_as_not_measured_failed(station_cfg: StationConfig) -> None:
    """The camera unplugged while counting: the report says the test was tried and failed, with no score."""
    from vision.capture import CaptureState

    async def scenario(d: ScreenDriver) -> None:
        model = await _counting(d, "squat", _result("squat", 4, valid=True), "en")
        model._on_capture(model._gen, CaptureState.FAILED, "device unplugged")
        await d.wait_item("problemText")
        assert model.phase == "unavailable" and "camera is not working" in d.text("problemText")
        assert not d.app.session.measurements, "a count cut short by a failure is no score"
        (nm,) = d.app.session.not_measured
        assert (nm.item, nm.reason) == ("squat", NotMeasuredReason.FAILED)

    run_station(_camera(station_cfg), scenario, start_uploader=False)


def test_stop_while_counting_keeps_the_count_so_far_marked_as_ended_early(station_cfg: StationConfig) -> None:
    """SFT: a participant who stops early scores what they completed; the doctor sees it was cut short."""
    from vision.analysers import AnalyserEvent, EventKind

    async def scenario(d: ScreenDriver) -> None:
        outcome = _result("squat", 4, valid=True)
        model = await _counting(d, "squat", replace(outcome, end_reason="resident_stopped"), "en")
        model.stop()
        assert model.pipeline.finish_asked == ["resident_stopped"] and model.phase == "counting", (
            "the analyser closes the test")
        model._event(AnalyserEvent(EventKind.TEST_FINISHED, 12.0, "squat.test_finished",
                                   {"reason": "resident_stopped", "count": 4}))
        assert model.phase == "result"
        (m,) = d.app.session.measurements
        assert m.value == 4.0 and "ended_early" in m.quality_flags

    run_station(_camera(station_cfg), scenario, start_uploader=False)


def test_stop_with_a_camera_that_no_longer_answers_leaves_without_a_score(station_cfg: StationConfig) -> None:
    async def scenario(d: ScreenDriver) -> None:
        model = await _counting(d, "squat", _result("squat", 4, valid=True), "en")  # the stub never answers
        model._go_at = time.monotonic()
        model.stop()
        model._stop_asked_at -= 2.5  # as if 2.5 s had passed with no frame
        model._tick()
        await d.settle(0.2)
        assert model.phase != "counting" and not d.app.session.measurements and not d.app.session.not_measured

    run_station(_camera(station_cfg), scenario, start_uploader=False)
