"""Garbage cannot crash the real-protocol parsers: every one returns values or raises CodecError, nothing else."""

from __future__ import annotations

import contextlib

from hypothesis import given
from hypothesis import strategies as st

from drivers.base import CodecError
from drivers.codecs import godirect as gd
from drivers.codecs import tindeq as td
from drivers.registry import PROTOCOLS
from drivers.transport.evdev_input import decode_input_events, parse_evtest, parse_proc_input_devices

REAL = ("ble-bps-beurer", "ble-bps-omron", "wii-balance-board-evdev", "godirect-grip", "godirect-spirometer",
        "tindeq-progressor", "cedrus-xid", "button-box-evdev", "godirect-grip-usb", "godirect-spirometer-usb")


@given(st.text(max_size=400))
def test_evtest_and_proc_text_parsers_take_any_text(text: str) -> None:
    parse_evtest(text)
    parse_proc_input_devices(text)


@given(st.binary(max_size=100))
def test_input_event_bytes_decode_or_raise_codec_error(data: bytes) -> None:
    with contextlib.suppress(CodecError):
        decode_input_events(data)


@given(st.binary(max_size=200))
def test_godirect_payload_decoders_raise_only_codec_error(payload: bytes) -> None:
    for decode in (gd.decode_status, gd.decode_device_info, gd.decode_sensor_info, gd.decode_mask):
        with contextlib.suppress(CodecError):
            decode(payload)


@given(st.binary(max_size=40))
def test_tindeq_command_decoder_raises_only_codec_error(data: bytes) -> None:
    with contextlib.suppress(CodecError):
        td.decode_command(data)


@given(st.sampled_from(REAL), st.binary(max_size=120), st.sampled_from([None, "2a35", "7e4e1702", "b41e6675"]))
def test_kiosk_decode_of_every_real_protocol_never_crashes(name: str, data: bytes, char: str | None) -> None:
    for item in PROTOCOLS[name].decode(data, char):
        assert item is not None
