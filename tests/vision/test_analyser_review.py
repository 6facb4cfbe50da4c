"""Defects found in review, each pinned by the synthetic body that showed it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from vision.analysers import make_analyser
from vision.synthetic import Camera, Keyframe, animate
from vision.synthetic_exercises import SEATED_CURL


def left_arm_curls(n: int, *, fps: float, view: str = "front", start_s: float = 1.0, duration_s: float = 30.0):
    """``n`` seated curls of the LEFT arm (the synthetic sequence curls the right one)."""
    top = replace(SEATED_CURL, left_elbow_flex_deg=135.0)
    keys = [Keyframe(0.0, SEATED_CURL)]
    t = start_s + 0.2
    for _ in range(n):
        keys += [Keyframe(t, SEATED_CURL), Keyframe(t + 0.7, top), Keyframe(t + 0.8, top),
                 Keyframe(t + 1.5, SEATED_CURL)]
        t += 1.7
    end = start_s + duration_s + 1.0
    keys.append(Keyframe(end, SEATED_CURL))
    return animate(keys, fps=fps, end_s=end, camera=Camera(view=view))


@pytest.mark.parametrize("fps", [5, 10, 30, 60])
def test_front_view_left_arm_curls_count_at_any_frame_rate(fps):
    """The curling arm is chosen once it has stayed bent for 0.2 s: at 5 frames/s that is two frames, not five
    (five frames asked for 0.8 s below the attempt angle, longer than a brisk curl stays there)."""
    analyser = make_analyser("arm-curl", start_at_s=1.0, auto_start=False)
    for f in left_arm_curls(12, fps=fps):
        analyser.feed(f)
    analyser.finish(reason="stream_ended")
    res = analyser.result()
    assert res.measures["arm"] == "left"
    assert res.count == 12
