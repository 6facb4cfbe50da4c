"""[camera.course]: the gait-speed course a technician enters once per station, validated and written back."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.config import CameraCourse, course_problem, load_config, parse_config
from kiosk.config_course import save_course, with_course
from kiosk.errors import ConfigError

GOOD = CameraCourse(80.0, 560.0, 640, 4.0)
STATION = '[station]\nid = "s1"  # keep me\n\n[camera]\nsource = "0"\n\n[ui]\nlanguage = "en"\n'


def test_a_course_reads_into_fractions_of_the_picture():
    cfg = parse_config({"camera": {"course": {"start_x_px": 80, "finish_x_px": 560, "image_width_px": 640}}})
    assert cfg.camera.course == GOOD and cfg.camera.course.start_x == 0.125 and cfg.camera.course.finish_x == 0.875


def test_no_course_by_default():
    assert parse_config({}).camera.course is None


@pytest.mark.parametrize(("course", "key"), [
    ({"start_x_px": 80, "finish_x_px": 560}, "camera.course.image_width_px"),
    ({"start_x_px": 80, "finish_x_px": 700, "image_width_px": 640}, "camera.course.finish_x_px"),
    ({"start_x_px": -1, "finish_x_px": 560, "image_width_px": 640}, "camera.course.start_x_px"),
    ({"start_x_px": 300, "finish_x_px": 340, "image_width_px": 640}, "camera.course.finish_x_px"),
    ({"start_x_px": 80, "finish_x_px": 560, "image_width_px": 640, "distance_m": 40}, "camera.course.distance_m"),
    ({"start_x_px": 80, "finish_x_px": 560, "image_width_px": 640, "metres": 4}, "camera.course.metres"),
    ({"start_x_px": "80", "finish_x_px": 560, "image_width_px": 640}, "camera.course.start_x_px"),
])
def test_a_bad_course_names_its_key(course, key):
    with pytest.raises(ConfigError) as e:
        parse_config({"camera": {"course": course}})
    assert e.value.key == key


def _x(low: float, high: float) -> st.SearchStrategy[float]:
    return st.one_of(st.floats(low, high), st.just(float("nan")))


@given(start=_x(-100, 9000), finish=_x(-100, 9000), width=st.integers(-10, 9000), metres=_x(0, 20))
def test_any_course_is_either_usable_or_refused_with_a_reason(start, finish, width, metres):
    course = CameraCourse(start, finish, width, metres)
    problem = course_problem(course)
    if problem is None:
        assert 0 <= course.start_x <= 1 and 0 <= course.finish_x <= 1 and abs(course.finish_x - course.start_x) >= 0.2
    else:
        assert problem[0] in ("start_x_px", "finish_x_px", "image_width_px", "distance_m") and problem[1]


def test_writing_a_course_keeps_every_other_line():
    new = with_course(STATION, GOOD)
    assert new.startswith(STATION) and tomllib.loads(new)["camera"]["course"]["finish_x_px"] == 560.0
    again = with_course(new, CameraCourse(90.0, 550.0, 640, 3.0))
    assert again.count("[camera.course]") == 1 and again.startswith(STATION)
    assert tomllib.loads(again)["camera"]["course"] == {"start_x_px": 90.0, "finish_x_px": 550.0,
                                                         "image_width_px": 640, "distance_m": 3.0}


def test_a_course_table_in_the_middle_is_replaced_in_place():
    text = '[camera.course]\nstart_x_px = 1.0\nfinish_x_px = 600.0\nimage_width_px = 640\n\n[ui]\nlanguage = "en"\n'
    new = with_course(text, GOOD)
    assert tomllib.loads(new) == {"camera": {"course": {"start_x_px": 80.0, "finish_x_px": 560.0,
                                                        "image_width_px": 640, "distance_m": 4.0}},
                                  "ui": {"language": "en"}}


def test_save_course_writes_a_file_that_loads_and_keeps_its_mode(tmp_path):
    path = tmp_path / "station.toml"
    path.write_text(STATION, encoding="utf-8")
    path.chmod(0o640)
    save_course(path, GOOD)
    assert load_config(path).camera.course == GOOD and (path.stat().st_mode & 0o777) == 0o640


def test_a_bad_course_leaves_the_file_untouched(tmp_path):
    path = tmp_path / "station.toml"
    path.write_text(STATION, encoding="utf-8")
    with pytest.raises(ConfigError):
        save_course(path, CameraCourse(300.0, 310.0, 640, 4.0))
    assert path.read_text(encoding="utf-8") == STATION and list(tmp_path.iterdir()) == [path]


def test_the_technician_command_writes_and_shows_the_course(tmp_path, capsys):
    from kiosk.cli import main

    path = tmp_path / "station.toml"
    path.write_text(STATION, encoding="utf-8")
    assert main(["--config", str(path), "vision", "course", "show"]) == 1
    assert "no course set" in capsys.readouterr().out
    assert main(["--config", str(path), "vision", "course", "set", "--start-x", "80", "--finish-x", "560",
                 "--width", "640"]) == 0
    capsys.readouterr()
    assert main(["--config", str(path), "vision", "course", "show"]) == 0
    assert '"distance_m": 4.0' in capsys.readouterr().out
    assert main(["--config", str(path), "vision", "course", "set", "--start-x", "80", "--finish-x", "90",
                 "--width", "640"]) != 0
    assert load_config(path).camera.course == GOOD
