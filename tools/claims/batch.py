"""Batch scrubbing: many claims from JSON, JSON Lines or CSV, one result per claim, a summary.

A malformed record never stops the batch: it becomes a `RecordError` naming where it was (JSON
Lines line number, CSV row numbers, JSON array index) and what is wrong, and every other claim is
still checked. Lines that repeat a line of an earlier claim in the same batch (same member, date,
code and modifiers) get a DUPLICATE_LINE finding on the later claim.

CSV columns (one row per service line; rows with the same claim_id form one claim, and the claim
fields are read from its first row): claim_id, submitted_on, payer_name, plan_type, network,
member_id, first_name, last_name, date_of_birth, sex, billing_npi, tax_id, rendering_npi,
discipline, place_of_service, diagnoses (separated by ';'), date_of_service, cpt, modifiers (';'),
units, minutes, diagnosis_pointers (';'), charge, assistant_minutes, ytd_ot_allowed. Context facts
beyond ytd_ot_allowed (authorization, plan of care) need JSON.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from pydantic import Field, ValidationError

from tools.claims.core import batch_duplicates, build_result, check_claim
from tools.claims.models import Claim, ClaimResult
from tools.common import Frozen

Format = Literal["json", "jsonl", "csv"]

CSV_COLUMNS = (
    "claim_id",
    "submitted_on",
    "payer_name",
    "plan_type",
    "network",
    "member_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "billing_npi",
    "tax_id",
    "rendering_npi",
    "discipline",
    "place_of_service",
    "diagnoses",
    "date_of_service",
    "cpt",
    "modifiers",
    "units",
    "minutes",
    "diagnosis_pointers",
    "charge",
    "assistant_minutes",
    "ytd_ot_allowed",
)


class RecordError(Frozen):
    """A record that could not be read as a claim."""

    location: str = Field(description="Where the record is: 'line 7', 'rows 4-6', 'item 3'.")
    claim_id: str | None = Field(description="The record's claim id, if it could be read.")
    field: str = Field(description="Path of the first bad field.")
    message: str = Field(description="What is wrong with it.")


class BatchSummary(Frozen):
    """Totals over a batch."""

    claims: int = Field(description="Records read as claims.")
    clean: int = Field(description="Claims with no error or warning.")
    with_warnings: int = Field(description="Claims with warnings but no error.")
    with_errors: int = Field(description="Claims with at least one error.")
    input_errors: int = Field(description="Records that were not valid claims.")
    clean_rate: float = Field(description="clean / claims (0 when there are none).")
    findings_by_rule: dict[str, int] = Field(description="Findings per rule id, most first.")
    seconds: float = Field(description="Wall time spent.")


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace("|", ";").split(";") if p.strip()]


def _opt(value: str) -> str | None:
    return value.strip() or None


def _csv_claim(rows: list[dict[str, str]]) -> dict[str, Any]:
    head = rows[0]
    claim: dict[str, Any] = {
        "claim_id": head.get("claim_id", ""),
        "payer": {
            "name": head.get("payer_name", ""),
            "plan_type": head.get("plan_type", ""),
            "network": head.get("network") or "in",
        },
        "patient": {
            "member_id": head.get("member_id", ""),
            "first_name": head.get("first_name", ""),
            "last_name": head.get("last_name", ""),
            "date_of_birth": head.get("date_of_birth", ""),
            "sex": head.get("sex", ""),
        },
        "billing_provider": {"npi": head.get("billing_npi", ""), "tax_id": head.get("tax_id", "")},
        "rendering_provider": {
            "npi": head.get("rendering_npi", ""),
            "discipline": head.get("discipline", ""),
        },
        "place_of_service": head.get("place_of_service", ""),
        "diagnoses": _split(head.get("diagnoses", "")),
        "lines": [
            {
                "date_of_service": r.get("date_of_service", ""),
                "cpt": r.get("cpt", ""),
                "modifiers": _split(r.get("modifiers", "")),
                "units": r.get("units", ""),
                "minutes": _opt(r.get("minutes", "")),
                "diagnosis_pointers": _split(r.get("diagnosis_pointers", "")),
                "charge": r.get("charge", ""),
                "assistant_minutes": _opt(r.get("assistant_minutes", "")) or 0,
            }
            for r in rows
        ],
    }
    if _opt(head.get("submitted_on", "")):
        claim["submitted_on"] = head["submitted_on"]
    if _opt(head.get("ytd_ot_allowed", "")):
        claim["context"] = {"ytd_ot_allowed": head["ytd_ot_allowed"]}
    return claim


class JsonText(str):
    """One JSON Lines record, not parsed yet."""


def _parse_line(where: str, text: JsonText) -> Any:
    """A JSON Lines record that failed validation, parsed to find its claim id; a RecordError
    when it is not JSON at all."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        return RecordError(
            location=where,
            claim_id=None,
            field="(record)",
            message=f"not valid JSON: {exc.msg} at column {exc.colno}",
        )


def read_records(text: str, fmt: Format) -> Iterator[tuple[str, Any]]:
    """Yield (location, raw record): a parsed value, a JSON Lines line still as `JsonText`, or a
    RecordError for a record that could not be read at all."""
    if fmt == "jsonl":
        # Each line stays text: `scrub` parses and validates it in one pass (pydantic's JSON
        # parser), about half the cost of json.loads followed by validating the dict.
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield f"line {number}", JsonText(line)
    elif fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            yield (
                "file",
                RecordError(
                    location=f"line {exc.lineno}",
                    claim_id=None,
                    field="(file)",
                    message=f"not valid JSON: {exc.msg}; fix it or use JSON Lines so one bad "
                    "record does not block the rest",
                ),
            )
            return
        items = data if isinstance(data, list) else [data]
        for index, item in enumerate(items, 1):
            yield f"item {index}", item
    else:
        reader = csv.DictReader(io.StringIO(text))
        missing = [
            c for c in ("claim_id", "cpt", "date_of_service") if c not in (reader.fieldnames or [])
        ]
        if missing:
            yield (
                "header",
                RecordError(
                    location="row 1",
                    claim_id=None,
                    field="(header)",
                    message=f"CSV header lacks column(s) {missing}; columns: "
                    + ", ".join(CSV_COLUMNS),
                ),
            )
            return
        groups: dict[str, tuple[list[int], list[dict[str, str]]]] = {}
        for number, row in enumerate(reader, 2):
            numbers, rows = groups.setdefault(row.get("claim_id") or f"(row {number})", ([], []))
            numbers.append(number)
            rows.append({k: (v or "") for k, v in row.items() if k is not None})
        for numbers, rows in groups.values():
            where = f"row {numbers[0]}" if len(numbers) == 1 else f"rows {numbers[0]}-{numbers[-1]}"
            yield where, _csv_claim(rows)


@dataclass
class _BatchState:
    seen: dict[tuple[str, tuple[date, str, tuple[str, ...]]], str] = field(default_factory=dict)


def _cross_claim_duplicates(claim: Claim, result: ClaimResult, state: _BatchState) -> ClaimResult:
    extra = batch_duplicates(claim, state.seen)
    if not extra:
        return result
    return build_result(result.claim_id, [*result.findings, *extra], result.not_checked)


def _first_error(exc: ValidationError) -> tuple[str, str]:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first.get("loc", ())) or "(record)"
    return loc, str(first.get("msg", "invalid value")).removeprefix("Value error, ")


def scrub(records: Iterable[tuple[str, Any]]) -> Iterator[ClaimResult | RecordError]:
    """Check every record; yield a result or a RecordError per record, in input order."""
    state = _BatchState()
    for where, raw in records:
        if isinstance(raw, RecordError):
            yield raw
            continue
        try:
            if isinstance(raw, JsonText):
                claim = Claim.model_validate_json(raw)
            else:
                claim = Claim.model_validate(raw)
        except ValidationError as exc:
            if isinstance(raw, JsonText):
                raw = _parse_line(where, raw)
                if isinstance(raw, RecordError):
                    yield raw
                    continue
            claim_id = raw.get("claim_id") if isinstance(raw, dict) else None
            path, message = _first_error(exc)
            yield RecordError(
                location=where,
                claim_id=str(claim_id) if claim_id is not None else None,
                field=path,
                message=message,
            )
            continue
        yield _cross_claim_duplicates(claim, check_claim(claim), state)


def summarize(items: Iterable[ClaimResult | RecordError], started: float) -> BatchSummary:
    """Totals of a finished batch."""
    by_status: Counter[str] = Counter()
    by_rule: Counter[str] = Counter()
    errors = 0
    for item in items:
        if isinstance(item, RecordError):
            errors += 1
            continue
        by_status[item.status] += 1
        by_rule.update(f.rule_id for f in item.findings)
    claims = sum(by_status.values())
    return BatchSummary(
        claims=claims,
        clean=by_status["clean"],
        with_warnings=by_status["warnings"],
        with_errors=by_status["errors"],
        input_errors=errors,
        clean_rate=round(by_status["clean"] / claims, 4) if claims else 0.0,
        findings_by_rule=dict(by_rule.most_common()),
        seconds=round(time.perf_counter() - started, 3),
    )
