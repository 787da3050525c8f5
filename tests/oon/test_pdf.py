"""The superbill PDF: written, readable, and showing every field a superbill needs."""

from __future__ import annotations

import re

import pypdf

from assistant.superbill_pdf import FOOTER, latin1, render_pdf
from tests.oon.samples import superbill
from tools.oon import SuperbillRequest, make_superbill


def pdf_text(path) -> str:
    reader = pypdf.PdfReader(str(path))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[ \t]+", " ", text)


def test_pdf_shows_every_required_field(tmp_path) -> None:
    result = make_superbill(SuperbillRequest.model_validate(superbill()))
    out = tmp_path / "superbill.pdf"
    render_pdf(result, out)
    assert out.read_bytes().startswith(b"%PDF")
    text = pdf_text(out)
    expected = [
        "Superbill",
        "SB-TEST-1",
        "2026-03-20",
        "Alex Sample, OTR/L",
        "Sample Kids OT",
        "1245319599",
        "12-3456789",
        "OT-0001",
        "100 Example Ave, Springfield, ST 00000",
        "555-0100",
        "Sam Example",
        "2019-05-01",
        "XYZ123456",
        "Pat Example",
        "child",
        "G-100",
        "Aetna",
        "out-of-network",
        "F82",
        "R27.8",
        "Place of service 11",
        "2026-03-02",
        "2026-03-09",
        "97165",
        "97530",
        "97110",
        "GO",
        "$200.00",
        "$180.00",
        "$90.50",
        "Total charges $470.50",
        "Total paid $300.00",
        "Balance $170.50",
        "$100.00 by HSA",
        FOOTER,
    ]
    missing = [s for s in expected if s not in text]
    assert not missing, f"not in the PDF text: {missing}\n---\n{text}"
    assert "DRAFT" not in text
    # the services table: one row per line with date, code, modifiers, units, charge
    assert re.search(r"2 2026-03-09 97530 GO 2 1,2 \$180\.00", text), text


def test_not_ready_pdf_is_marked_draft_and_unicode_is_safe(tmp_path) -> None:
    data = superbill(provider={"name": "Zoë “Alex” Sample — 東京", "npi": "1245319598"})
    result = make_superbill(SuperbillRequest.model_validate(data))
    assert not result.ready
    out = tmp_path / "draft.pdf"
    render_pdf(result, out)
    text = pdf_text(out)
    assert "DRAFT - NOT READY" in text
    assert 'Zoë "Alex" Sample - ??' in text
    assert "NPI_INVALID" in text


def test_latin1_replaces_unsupported_characters() -> None:
    assert latin1("café – ✓") == "café - ?"
