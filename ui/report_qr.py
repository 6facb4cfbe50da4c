"""The report's QR code: a token that opens the report on a phone, and never any personal data.

The token is the report's own ``report_id`` when that is a random UUID (``grade_session`` makes one
with ``uuid4``: 122 random bits), else a fresh ``secrets.token_urlsafe(16)`` that the caller keeps with
the report. The QR text is ``report_url + token`` (just the token when no URL is configured).
"""

from __future__ import annotations

import io
import secrets
import uuid
from collections.abc import Mapping
from typing import Any

import segno
from PySide6.QtGui import QImage


def report_token(report: Mapping[str, Any]) -> str:
    """An unguessable id for this report: its random report_id, or a new random token."""
    rid = str(report.get("report_id") or "")
    try:
        if uuid.UUID(rid).version == 4 and str(uuid.UUID(rid)) == rid:
            return rid
    except ValueError:
        pass
    return secrets.token_urlsafe(16)


def qr_text(report_url: str, token: str) -> str:
    return f"{report_url}{token}" if report_url else token


def qr_png(text: str, scale: int = 10) -> bytes:
    """The QR as PNG bytes (error correction M, the standard 4-module quiet zone)."""
    buf = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def qr_image(text: str, scale: int = 10) -> QImage:
    image = QImage.fromData(qr_png(text, scale), "PNG")
    if image.isNull():
        raise RuntimeError("the QR image could not be decoded")
    return image
