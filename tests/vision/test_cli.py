"""`kiosk vision analyse`, `bench` and `eval` through the real command line entry point."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from kiosk.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
def test_analyse_json_prints_events_and_the_result_for_a_real_clip(capsys, pose_model, pose2sim_clip):
    code, out, err = run(capsys, "vision", "analyse", str(pose2sim_clip), "--exercise", "squat", "--json",
                         "--model", str(pose_model))
    assert code == 0, err
    doc = json.loads(out)
    assert doc["exercise"] == "squat" and doc["video"] == pose2sim_clip.name
    assert doc["frames"] == 100 and doc["frames_with_person"] >= 95
    assert doc["result"]["exercise"] == "squat" and doc["result"]["status"] == "finished"
    assert doc["events"] and doc["events"][-1]["kind"] == "test_finished"
    assert all({"kind", "at_s", "message", "evidence"} <= set(e) for e in doc["events"])
    assert all(0.0 <= e["at_s"] <= 100 / 60 + 0.1 for e in doc["events"]), "event times are seconds into the video"


def test_analyse_text_prints_events_and_a_result_line(capsys, pose_model, tmp_path):
    clip = tmp_path / "empty_room.avi"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"MJPG"), 30, (160, 120))
    for _ in range(20):
        writer.write(np.full((120, 160, 3), 120, np.uint8))
    writer.release()
    code, out, _ = run(capsys, "vision", "analyse", str(clip), "--exercise", "chair-stand", "--model", str(pose_model))
    assert code == 0
    assert "framing.no_person" in out, "an empty room asks the resident to stand in front of the camera"
    assert "chair-stand: finished, count 0" in out and "frames 20, with a person 0" in out


def test_analyse_missing_video_is_a_clear_error(capsys, tmp_path):
    code, _, err = run(capsys, "vision", "analyse", str(tmp_path / "none.mp4"), "--exercise", "squat")
    assert code == 1 and "video file not found" in err and "Traceback" not in err


def test_analyse_unreadable_video_is_a_clear_error(capsys, tmp_path, pose_model):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00" * 4096)
    code, _, err = run(capsys, "vision", "analyse", str(bad), "--exercise", "squat", "--model", str(pose_model))
    assert code == 1 and "bad.mp4" in err and "Traceback" not in err


def test_analyse_without_a_model_says_how_to_build_it(capsys, tmp_path, pose2sim_clip):
    code, _, err = run(capsys, "vision", "analyse", str(pose2sim_clip), "--exercise", "squat",
                       "--model", str(tmp_path / "missing.task"))
    assert code == 1 and "build_pose_model" in err


def test_unknown_exercise_is_refused_by_the_parser(capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["vision", "analyse", "x.mp4", "--exercise", "jumping-jacks"])
    assert exc.value.code == 2 and "invalid choice" in capsys.readouterr().err


def test_bad_bench_size_is_refused_with_the_expected_form(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["vision", "bench", "x.mp4", "--size", "big"])
    assert exc.value.code == 2 and "WIDTHxHEIGHT" in capsys.readouterr().err


def test_vision_without_an_action_prints_help(capsys):
    code, out, _ = run(capsys, "vision")
    assert code == 2 and "analyse" in out and "bench" in out


@pytest.mark.slow
def test_bench_json_reports_every_figure(capsys, pose_model, pose2sim_clip):
    code, out, err = run(capsys, "vision", "bench", str(pose2sim_clip), "--seconds", "1.5", "--json",
                         "--model", str(pose_model))
    assert code == 0, err
    figures = json.loads(out)
    for key in ("bare_fps", "bare_latency_p50_ms", "bare_latency_p95_ms", "bare_latency_p99_ms",
                "camera_fps", "camera_latency_p95_ms", "camera_processing_p99_ms", "camera_frames_dropped",
                "throughput_fps", "overhead_cpu_pct", "overhead_throughput_pct", "ratio_p50", "peak_rss_mib"):
        assert key in figures, f"bench output lacks {key}"
    assert figures["bare_fps"] > 0 and figures["camera_fps"] > 0 and figures["peak_rss_mib"] > 0
    assert figures["size"] == "640x480"


def test_eval_names_clips_not_on_this_machine_and_refuses_an_unknown_clip(capsys, tmp_path, pose_model):
    manifest = tmp_path / "m.toml"
    manifest.write_text('[[clip]]\nid = "gone"\nfile = "gone.mp4"\ncommitted = false\nexercise = "none"\n'
                        'count = 0\nsplit = "tune"\n', encoding="utf-8")
    code, out, err = run(capsys, "vision", "eval", str(manifest), "--model", str(pose_model))
    assert code == 0 and len(err.splitlines()) == 1 and "gone" in err and "local-only" in err, err
    assert "3 clip runs skipped: not on this machine" in out, out
    code, out, err = run(capsys, "vision", "eval", str(manifest), "--clip", "nope", "--model", str(pose_model))
    assert code != 0 and "no clip nope in m.toml" in err, err
