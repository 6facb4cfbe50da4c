"""Real people on real footage: every committed clip of the benchmark counted as a person counted it by eye.

The clips and their truth are in ``vision/clips/manifest.toml`` (sources, licences and how each was counted
in ``vision/clips/README.md``). Each clip runs through the real pose model and the real pipeline with the
analysers' default settings: no view is given, as the station never knows it. Local-only clips (licences
that forbid redistribution) are in the manifest too; ``kiosk vision eval`` runs them where they are cached.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.errors import InputError
from vision import eval as ev

CLIPS = ev.load_manifest(ev.DEFAULT_MANIFEST)
COMMITTED = [c for c in CLIPS if c.committed]


@pytest.fixture(scope="module")
def make_backend(pose_model):
    from vision.pose_backend import MediapipePoseBackend, PoseLandmarkerSettings

    return lambda: MediapipePoseBackend(PoseLandmarkerSettings(model_path=pose_model))


def test_the_corpus_has_committed_clips_of_real_exercises_and_of_none():
    kinds = {c.exercise for c in COMMITTED}
    assert {"squat", "arm-curl", "none"} <= kinds, kinds
    for clip in COMMITTED:
        assert clip.path.is_file(), f"{clip.id}: committed clip missing at {clip.path}"
        assert clip.path.stat().st_size < 1_600_000, f"{clip.id}: keep committed clips small"
        assert clip.extra.get("licence") and (clip.extra.get("source_repo") or clip.extra.get("source_package"))


@pytest.mark.parametrize("clip", COMMITTED, ids=[c.id for c in COMMITTED])
def test_each_committed_clip_is_counted_as_a_person_counted_it(clip, make_backend):
    poses = ev.record_poses(clip.path, make_backend)
    if clip.exercise not in ("none", "gait-speed"):  # walkers leave the picture; exercisers stay in it
        assert sum(p.frame.has_person for p in poses) > 0.8 * len(poses), f"{clip.id}: the model lost the person"
    for exercise in ev.analysers_for(clip):
        outcome = ev.run_clip(clip, exercise, poses)
        if clip.timed:  # a stopwatch test: the time a person read off the clip, within TIME_TOLERANCE_S
            assert outcome.valid and outcome.exact, (
                f"{clip.id} ({clip.split}): {exercise} timed {outcome.time_s} s, a person read {clip.truth_time_s} s "
                f"({outcome.invalid_reason or 'valid'})")
            continue
        assert outcome.counted == clip.truth, (
            f"{clip.id} ({clip.split}, {clip.view}): {exercise} counted {outcome.counted}, "
            f"a person counted {clip.truth}")
        if clip.exercise == "arm-curl" and "standing" in clip.id:
            assert outcome.deviations == ("standing_not_seated",), "the SFT arm curl is done seated"


def test_exercise_free_footage_never_gives_a_valid_chair_stand(make_backend):
    """Walking past the camera is not a resident who scored 0 stands (which would flag fall risk)."""
    for clip in (c for c in COMMITTED if c.exercise == "none"):
        outcome = ev.run_clip(clip, "chair-stand", ev.record_poses(clip.path, make_backend))
        assert outcome.counted == 0 and not outcome.valid, (clip.id, outcome.invalid_reason)


def _manifest(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "m.toml"
    path.write_text(body, encoding="utf-8")
    return path


ENTRY = 'id = "a"\nfile = "a.mp4"\ncommitted = true\nexercise = "squat"\ncount = 2\nsplit = "tune"\n'


@pytest.mark.parametrize(("body", "message"), [
    ("[[clip]]\n" + ENTRY.replace('count = 2', 'count = -1'), "count must be a whole number"),
    ("[[clip]]\n" + ENTRY.replace('"squat"', '"yoga"'), "unknown exercise 'yoga'"),
    ("[[clip]]\n" + ENTRY.replace('"tune"', '"train"'), "split must be 'tune' or 'holdout'"),
    ("[[clip]]\n" + ENTRY.replace('count = 2\n', ''), "lacks the key 'count'"),
    ("[[clip]]\n" + ENTRY + "[[clip]]\n" + ENTRY, "id 'a' is used twice"),
    ("[[clip]\n", "not valid TOML"),
])
def test_a_bad_manifest_names_the_entry_and_what_is_wrong(tmp_path, body, message):
    with pytest.raises(InputError, match=message):
        ev.load_manifest(_manifest(tmp_path, body))


def test_local_only_clips_resolve_to_the_cache_and_committed_ones_beside_the_manifest(tmp_path):
    body = "[[clip]]\n" + ENTRY + "[[clip]]\n" + ENTRY.replace('"a"', '"b"').replace("true", "false")
    a, b = ev.load_manifest(_manifest(tmp_path, body), local_dir=tmp_path / "cache")
    assert a.path == tmp_path / "a.mp4" and b.path == tmp_path / "cache" / "a.mp4"
    assert not a.available


def _outcome(clip_id: str, exercise: str, truth: int, counted: int | None, split: str = "tune") -> ev.ClipOutcome:
    clip = ev.ClipSpec(clip_id, Path(clip_id), True, exercise, truth, split)
    return ev.ClipOutcome(clip, exercise if exercise != "none" else "squat", counted)


def test_the_summary_gives_exact_clips_mean_error_and_the_worst_clip_per_split():
    outcomes = [_outcome("s1", "squat", 3, 3), _outcome("s2", "squat", 5, 2), _outcome("s3", "squat", 4, 5, "holdout"),
                _outcome("n1", "none", 0, 1), _outcome("x", "squat", 2, None)]
    rows = {(s.exercise, s.split): s for s in ev.summarise(outcomes)}
    tune, hold, every = rows[("squat", "tune")], rows[("squat", "holdout")], rows[("squat", "all")]
    assert (tune.clips, tune.exact, tune.mean_abs_error, tune.worst.clip.id) == (2, 1, 1.5, "s2")
    assert (hold.clips, hold.exact, hold.worst.error) == (1, 0, 1)
    assert (every.clips, every.exact) == (3, 1), "a clip that did not run is left out, not counted as right"
    assert rows[("none", "all")].worst.error == 1
