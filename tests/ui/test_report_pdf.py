"""The report PDF: A4, CJK font embedded, both languages, trend chart, a QR with a token and no personal data."""

from __future__ import annotations

import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from tests.ui.conftest import station_config
from tests.ui.report_sessions import RESIDENT, graded_visit
from ui.driver import ScreenDriver, run_station
from ui.report_qr import qr_png, qr_text, report_token

OUT = Path(__file__).resolve().parents[2] / "out" / "report-pdf"


def decode_qr(png: Path | bytes) -> str:
    """The QR code's text, as a phone would read it. OpenCV's classic detector now and then misses a code
    on a whole printed page (the random token changes the pattern: 1 run in about 6 failed in CI-like
    runs), so its ArUco-based detector has a second look, as a second phone would."""
    data = png.read_bytes() if isinstance(png, Path) else png
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
        text, _, _ = detector.detectAndDecode(image)
        if text:
            return text
    return ""


def render_pages(pdf: Path, dpi: int, prefix: Path) -> list[Path]:
    prefix.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True)
    return sorted(prefix.parent.glob(prefix.name + "-*.png"))


def test_qr_png_decodes_to_exactly_its_text() -> None:
    text = qr_text("https://health.example/r/", "N0t-a-real-token_123")
    assert decode_qr(qr_png(text)) == text == "https://health.example/r/N0t-a-real-token_123"
    assert qr_text("", "tok") == "tok"


def test_the_token_is_the_random_report_id_or_a_fresh_random_one() -> None:
    rid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert report_token({"report_id": rid}) == rid
    made = {report_token({"report_id": "grade-cli-1"}) for _ in range(3)}
    assert len(made) == 3 and all(len(t) >= 20 for t in made), "a non-random id is replaced by random tokens"


def test_pdf_in_both_languages_with_embedded_cjk_font_trend_and_a_clean_qr(tmp_path: Path) -> None:
    cfg = station_config(tmp_path, report_url="https://health.example/r/")

    async def scenario(d: ScreenDriver) -> None:
        app = d.app
        graded_visit(app, grip_kg=15.0, chair_stands=8)
        app.station.endSession()
        graded_visit(app, grip_kg=17.4, chair_stands=10)
        model = app.viewmodels["report"]
        assert model.load is not None and model.hasReport
        expected_qr = "https://health.example/r/" + model.token
        assert model.qr == expected_qr and model.token == app.session.report["report_id"]
        assert [t for t in model.trends if t["item"] == "grip" and len(t["points"]) == 2]
        for lang in ("zh", "en"):
            app.station.setLanguage(lang)
            pdf = Path(model.exportPdf(str(OUT / f"report-{lang}.pdf")))
            assert pdf.exists() and pdf.stat().st_size > 10_000
            fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
            cjk = [line for line in fonts.splitlines() if "NotoSansCJK" in line]
            assert cjk and all(" yes " in line.split("Identity-H", 1)[1] for line in cjk), fonts
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
            assert "595 x 842" in info or "595.276 x 841.89" in info, "A4 expected:\n" + info
            pages = render_pages(pdf, 60, OUT / f"page-{lang}")
            assert pages, "pdftoppm rendered no page"
            raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
            text = unicodedata.normalize("NFKC", raw)  # poppler maps some hanzi to their Kangxi radical twins
            assert ("握力" if lang == "zh" else "Grip strength") in text
            assert ("与上次比较" if lang == "zh" else "Change since your last visit") in text
            first = render_pages(pdf, 150, tmp_path / f"qr-{lang}")[0]
            decoded = decode_qr(first)
            assert decoded == expected_qr, f"the PDF's QR should decode to {expected_qr!r}, got {decoded!r}"
            for personal in (RESIDENT.national_id, RESIDENT.phone, RESIDENT.name, "王芳", "1954"):
                assert personal and personal not in decoded and personal not in text, f"{personal!r} leaked"

    run_station(cfg, scenario, start_uploader=False)


def test_with_no_usable_printer_the_pdf_is_saved_for_staff(tmp_path: Path) -> None:
    from PySide6.QtPrintSupport import QPrinterInfo

    base = station_config(tmp_path, reports_dir=str(tmp_path / "saved"))
    cfg = replace(base, ui=replace(base.ui, printer="no-such-printer"))

    async def scenario(d: ScreenDriver) -> None:
        graded_visit(d.app, grip_kg=17.0, chair_stands=9)
        model = d.app.viewmodels["report"]
        assert not [p for p in QPrinterInfo.availablePrinters() if p.printerName() == "no-such-printer"]
        model.printReport()
        await d.until(lambda: model.last_print is not None, 30, "the print to finish")
        saved = model.last_print.saved_to
        assert saved is not None and saved.parent == tmp_path / "saved" and saved.stat().st_size > 10_000
        assert "staff" in model.printMessage

    run_station(cfg, scenario, start_uploader=False)
