"""Readable text of a documentation check."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.notes.models import NoteCheckResult

_MARK = {"error": "ERROR  ", "warning": "WARNING", "info": "INFO   "}


def render(result: NoteCheckResult) -> str:
    """Render `result` for a terminal: verdict, findings with fixes, gaps, parser report."""
    kind = result.note_type or "note"
    who = result.payer_program or "unknown payer"
    rules = "" if result.rules_known else " (payer's own rules not on file: Medicare as reference)"
    out = [f"{kind.capitalize()} check for {who}{rules}: {result.status.upper()}"]
    for f in result.findings:
        out.append(f"  {_MARK[f.severity]} {f.rule_id}: {f.message}")
        out.append(f"          fix: {f.fix}")
    if result.checked:
        out.append("Passed: " + ", ".join(c.replace("_", " ") for c in result.checked))
    if result.missing:
        out += ["Cannot finish without:"] + [f"  - {m}" for m in result.missing]
    ex = result.extracted
    if ex is not None:
        found = []
        if ex.billed:
            found.append(
                "billed "
                + ", ".join(f"{b.code}" + (f" x{b.units}" if b.units else "") for b in ex.billed)
            )
        if ex.total_timed_minutes is not None:
            found.append(f"total timed {ex.total_timed_minutes} min")
        if ex.total_treatment_minutes is not None:
            found.append(f"total treatment {ex.total_treatment_minutes} min")
        if ex.signer:
            found.append(
                f"signed by {ex.signer}" + (f", {ex.credentials}" if ex.credentials else "")
            )
        out.append("From the text: " + ("; ".join(found) if found else "nothing recognised"))
        if ex.not_found:
            out += ["Not found in the text:"] + [f"  - {n}" for n in ex.not_found]
    urls = list(dict.fromkeys(f"{r.source} ({r.url})" for r in result.rule_data))
    if urls:
        out += ["Sources:"] + [f"  - {u}" for u in urls]
    return "\n".join(out)
