"""The log export's personal-number scrub: ID numbers and mobile numbers never leave; other numbers stay."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ui.viewmodels.tech_export import REDACTED, redact_personal


def test_id_and_mobile_numbers_are_removed_but_batch_ids_and_times_stay() -> None:
    text = "id 11010519491231002X phone 13812345678 batch 2026-11-23T06:31 rows 12 seq 1234567890123"
    clean, n = redact_personal(text)
    assert n == 2 and "11010519491231002X" not in clean and "13812345678" not in clean
    assert "2026-11-23T06:31" in clean and "1234567890123" in clean and clean.count(REDACTED) == 2


@given(st.text())
def test_redaction_never_crashes_and_leaves_no_id_number(text: str) -> None:
    clean, _ = redact_personal(text + " 11010519491231002X")
    assert "11010519491231002X" not in clean
