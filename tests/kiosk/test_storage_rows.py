"""Row conversions are lossless for every Measurement and calibration a station can produce (property tests)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain import CalibrationRecord, CalibrationResult, Measurement, Method, Side
from kiosk.storage.rows import calibration_from_row, calibration_row, measurement_from_row, measurement_row

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
zones = st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5))])
aware_times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=zones)
text = st.text(min_size=1, max_size=20)

measurements = st.builds(
    Measurement, item=text, value=finite, unit=text, trial=st.integers(1, 50), taken_at=aware_times,
    components=st.dictionaries(text, finite, max_size=4), side=st.none() | st.sampled_from(Side),
    device_id=st.none() | text, method=st.sampled_from(Method), calibration_id=st.none() | text,
    quality_flags=st.frozensets(text, max_size=4), id=st.uuids())


@settings(max_examples=150, deadline=None)
@given(measurements)
def test_every_measurement_round_trips_through_its_row(m):
    row = measurement_row(uuid.uuid4(), m, datetime(2026, 1, 1, tzinfo=UTC))
    assert measurement_from_row(row) == m


@settings(max_examples=75, deadline=None)
@given(device=text, when=aware_times, result=st.sampled_from(CalibrationResult),
       refs=st.lists(finite, max_size=5), correction=st.dictionaries(text, finite, max_size=3), notes=st.text())
def test_every_calibration_record_round_trips_through_its_row(device, when, result, refs, correction, notes):
    rec = CalibrationRecord(device_id=device, procedure="p", performed_by="t", performed_at=when, result=result,
                            valid_until=when + timedelta(days=30), references=tuple(refs), readings=tuple(refs),
                            correction=correction, notes=notes)
    assert calibration_from_row(calibration_row(rec)) == rec
