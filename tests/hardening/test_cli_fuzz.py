"""Fuzzing `kiosk grade`, `kiosk decode` and `kiosk config check` through the command line's own entry point.

Each example is a file or argument list a clumsy technician or a hostile user could hand the station:
a valid input with one to three parts replaced by arbitrary JSON (huge integers, NaN, lone surrogates,
deep nesting), byte strings and cut or corrupted frames for every protocol, and station files whose
values are arbitrary TOML. The promise checked: ``kiosk.cli.main`` returns an exit code (or argparse
exits with 2 for a malformed command line) and nothing escapes as a traceback. Bounded to about a
minute in all (grade 150, decode 600, config 250 examples; the grade command loads the norm packs
each time, ~0.2 s). Issue 16, "Done when".
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.codecs import balance_platform, grip, reaction_time, sit_and_reach, spirometer, vital_capacity
from drivers.registry import PROTOCOLS
from kiosk.cli import main

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                     HealthCheck.data_too_large])


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The exit code and stderr of one command; a usage error (argparse's exit 2) counts as an answer."""
    try:
        code = main(argv)
    except SystemExit as e:
        code = int(e.code or 0)
        assert code == 2, f"argparse exited with {e.code!r}"
    _, err = capsys.readouterr()
    assert "Traceback" not in err, err
    assert code in (0, 1, 2), f"exit code {code}"
    return code, err


# ---- kiosk grade -------------------------------------------------------------------------------------------

GRADE_BASE: dict[str, Any] = {
    **json.loads((ROOT / "docs" / "examples" / "woman-72.json").read_text(encoding="utf-8")),
    "previous": {"test_date": "2025-11-20", "items": [{"item": "grip", "graded_value": 15.0}],
                 "classes": {"blood_pressure": {"severity": 2}}},
    "station_id": "fuzz-station",
}

nasty_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3),
    st.sampled_from(["2026-11-23", "2099-01-01", "1900-02-29", "", "grip", "blood_pressure", "kg", "mmHg",
                     "2026-11-23T09:00:00", "9999-12-31T23:59:59+14:00"]))
json_values = st.recursive(nasty_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)), max_leaves=12)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            out += [(*prefix, k), *_paths(v, (*prefix, k))]
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += [(*prefix, i), *_paths(v, (*prefix, i))]
    return out


def _set(doc: Any, path: tuple, value: Any) -> None:
    for step in path[:-1]:
        doc = doc[step]
    doc[path[-1]] = value


@st.composite
def grade_documents(draw: st.DrawFn) -> str:
    doc = copy.deepcopy(GRADE_BASE)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        if draw(st.booleans()):  # half the changes go to the previous report, which the trend reads apart
            paths = [p for p in paths if p[0] == "previous"] or paths
        if not paths:
            break
        _set(doc, draw(st.sampled_from(paths)), draw(json_values))
    if draw(st.booleans()):
        text = json.dumps(doc, ensure_ascii=True)
    else:  # also nesting far deeper than any document, and cut-off files
        text = draw(st.sampled_from(["[" * 3000 + "]" * 3000, json.dumps(doc)[: draw(st.integers(0, 200))],
                                     json.dumps(doc, ensure_ascii=True)]))
    return text


@settings(FUZZ, max_examples=150)
@given(text=grade_documents())
def test_grade_answers_every_input_without_a_traceback(text: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "session.json"
    path.write_text(text, encoding="utf-8")
    run_cli(["grade", str(path)], capsys)


# ---- kiosk decode ------------------------------------------------------------------------------------------

SAMPLE_FRAMES = [grip.CODEC.encode(grip.StopStream()), grip.CODEC.encode(grip.QueryInfo()),
                 balance_platform.CODEC.encode(balance_platform.StopStream()),
                 spirometer.CODEC.encode(spirometer.StopTest()), vital_capacity.CODEC.encode(vital_capacity.Cancel()),
                 sit_and_reach.CODEC.encode(sit_and_reach.StopStream()),
                 reaction_time.CODEC.encode(reaction_time.Abort()),
                 bytes.fromhex("AA80060202F3050201F3"),  # an OEM cuff-pressure frame (test_decode_cli.py)
                 bytes.fromhex("1E7800500 05D00E807050108 1E0046000 10400".replace(" ", ""))]  # a BLE BPM value


@st.composite
def frames(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["random", "cut", "flipped", "joined"]))
    if kind == "random":
        return draw(st.binary(max_size=64))
    frame = bytearray(draw(st.sampled_from(SAMPLE_FRAMES)))
    if kind == "cut":
        return bytes(frame[: draw(st.integers(0, len(frame)))])
    if kind == "flipped":
        i = draw(st.integers(0, len(frame) - 1))
        frame[i] ^= draw(st.integers(1, 255))
        return bytes(frame)
    return bytes(frame) + draw(st.binary(max_size=16)) + bytes(draw(st.sampled_from(SAMPLE_FRAMES)))


hex_args = st.one_of(frames().map(bytes.hex), frames().map(lambda b: b.hex(" ").upper()), st.text(max_size=12))


@settings(FUZZ, max_examples=600)
@given(protocol=st.one_of(st.sampled_from(sorted(PROTOCOLS)), st.text(max_size=10)),
       hexes=st.lists(hex_args, min_size=1, max_size=3),
       char=st.one_of(st.none(), st.sampled_from(["2a35", "2a36", "0x2A49", "2a9d", "2a18", "2a52", "zz"])))
def test_decode_answers_every_input_without_a_traceback(protocol: str, hexes: list[str], char: str | None,
                                                        capsys) -> None:
    argv = ["decode", protocol, *hexes] if char is None else ["decode", "--char", char, protocol, *hexes]
    code, err = run_cli(argv, capsys)
    if code == 1:
        assert err.strip(), "exit 1 must say why"


# ---- kiosk config check ------------------------------------------------------------------------------------

SECTIONS = {
    "station": ["id", "site", "languages", "idle_timeout_s", "data_dir"],
    "storage": ["encryption", "key_file", "retention_days"],
    "norms": ["packs"],
    "camera": ["source", "loop", "width", "height", "fps", "evidence_stills_max"],
    "sync": ["endpoint", "auth", "token_url", "client_id", "batch_max_count", "batch_max_bytes", "batch_max_age_s",
             "connect_timeout_s", "retry_base_delay_s", "retry_max_delay_s", "quarantine_after_5xx", "identity"],
    "ui": ["fullscreen", "language", "voice", "idle_warning_s", "printer"],
}
DEVICE_KEYS = ["name", "kind", "protocol", "transport", "port", "baud", "address", "simulate", "calibration_days"]

toml_scalars = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.text(max_size=20),
    st.sampled_from(["cn-2003-adult", "grip-serial", "grip", "serial", "ble", "none", "oauth2", "sqlcipher", "zh",
                     "https://u:p@fhir.example.org/r4", "http://127.0.0.1:8080/fhir", "https://fhir.example.org"]))
toml_values = st.recursive(toml_scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=6)


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "nan" if v != v else "inf" if v == float("inf") else "-inf" if v == float("-inf") else repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)  # a TOML basic string; an escaped surrogate is a TOML error, which is fine
    return "[" + ", ".join(toml_value(x) for x in v) + "]"


@st.composite
def station_files(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.one_of(st.text(max_size=200), st.integers(500, 3000).map(
            lambda n: "[station]\nsite = " + "[" * n + "]" * n + "\n")))
    lines = []
    for section in draw(st.lists(st.sampled_from(sorted(SECTIONS)), unique=True, max_size=5)):
        lines.append(f"[{section}]")
        names = st.one_of(st.sampled_from(SECTIONS[section]), st.from_regex(r"[a-z_]{1,12}", fullmatch=True))
        keys = draw(st.lists(names, unique=True, max_size=4))
        lines += [f"{k} = {toml_value(draw(toml_values))}" for k in keys]
    for _ in range(draw(st.integers(0, 2))):
        lines.append("[[devices]]")
        keys = draw(st.lists(st.sampled_from(DEVICE_KEYS), unique=True, max_size=len(DEVICE_KEYS)))
        lines += [f"{k} = {toml_value(draw(toml_values))}" for k in keys]
    return "\n".join(lines) + "\n"


@settings(FUZZ, max_examples=250)
@given(text=station_files())
def test_config_check_answers_every_file_without_a_traceback(text: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "station.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    run_cli(["config", "check", str(path)], capsys)
