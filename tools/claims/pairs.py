"""Can these codes be billed together on one day? The NCCI pair and MUE tables, as a tool.

The pair table is curated from NCCI chapter 11 policy and secondary sources, not the full CMS
quarterly file, so a pair that is not on file is reported as unknown (check the CMS file), never
as allowed.
"""

from __future__ import annotations

from datetime import date
from itertools import permutations
from typing import Literal

from pydantic import Field

from tools.claims.core import EVAL_CODES
from tools.common import CptCode, Frozen, Request, RuleRef, Status
from tools.ruledata.claims_tables import mues, ncci_pairs
from tools.ruledata.tables import CodeRow, codes


class CodePairRequest(Request):
    """Codes billed for one patient on one date of service."""

    codes: tuple[CptCode, ...] = Field(
        min_length=2, max_length=6, description="Two to six CPT/HCPCS codes, e.g. 97530, 97140."
    )
    date_of_service: date = Field(
        default_factory=date.today, description="Date of service (selects the edits in force)."
    )


class PairFinding(Frozen):
    """What the tables say about two of the codes."""

    column1: str = Field(description="Column 1 code (paid) when an edit exists, else first code.")
    column2: str = Field(description="Column 2 code (denied unless a modifier applies).")
    verdict: Literal[
        "modifier_required", "never_together", "one_per_day", "add_on", "not_on_file"
    ] = Field(
        description="modifier_required (59/XU on column 2 when truly separate), never_together "
        "(indicator 0), one_per_day (two evaluations), add_on (column 2 is column 1's add-on, "
        "billed with it by design), not_on_file (check the CMS PTP file)."
    )
    explanation: str = Field(description="What to do, in plain words.")
    unconfirmed: bool = Field(description="True when the row is not confirmed by a primary source.")
    reference: RuleRef | None = Field(description="The table row used, if any.")


class CodePairResult(Frozen):
    """Same-day billing of the codes: pair edits and per-code unit limits."""

    status: Status = Field(description="ok, or indeterminate when some pair is not on file.")
    date_of_service: date = Field(description="Date the tables were read for.")
    pairs: tuple[PairFinding, ...] = Field(description="One finding per pair of codes.")
    unit_limits: dict[str, int] = Field(description="MUE (units per day) per code, where on file.")
    unknown_codes: tuple[str, ...] = Field(description="Codes not in the OT code table.")
    references: tuple[RuleRef, ...] = Field(description="MUE rows used.")

    def to_text(self) -> str:
        """The pairs and limits, for the terminal."""
        lines = [f"Same-day billing on {self.date_of_service}:"]
        lines += [f"- {p.column1} + {p.column2}: {p.explanation}" for p in self.pairs]
        if self.unit_limits:
            limits = ", ".join(f"{c} {n}/day" for c, n in self.unit_limits.items())
            lines.append(f"Unit limits (MUE): {limits}.")
        if self.unknown_codes:
            lines.append("Not in the OT code table: " + ", ".join(self.unknown_codes) + ".")
        lines.append(
            "Whatever the edits, two services cannot be billed for the same 15 minutes (NCCI "
            "chapter 11); document each one's minutes."
        )
        return "\n".join(lines)


def _primary_and_addon(a: str, b: str, day: date) -> tuple[str, CodeRow | None]:
    """The primary code and the code-table row of its add-on, when one of the two is the
    other's add-on (97129 and 97130); (a, None) otherwise."""
    for primary, other in ((a, b), (b, a)):
        row = codes().at(other, day)
        if row is not None and row.addon_of == primary:
            return primary, row
    return a, None


def check_code_pair(request: CodePairRequest) -> CodePairResult:
    """Say whether codes can be billed together for one patient on one day (NCCI pairs, MUEs).

    Use when someone asks "can I bill 97530 and 97140 on the same day?", "do I need modifier 59
    for 97530 with 97140?" or "can I bill two evaluations in one day?". Reads the NCCI
    procedure-to-procedure table and medically unlikely edits in force on the date; pairs not on
    file are reported as unknown (check the CMS quarterly file), never as allowed.
    """
    day = request.date_of_service
    table = ncci_pairs()
    wanted = list(dict.fromkeys(request.codes))
    findings: list[PairFinding] = []
    done: set[frozenset[str]] = set()
    for c1, c2 in permutations(wanted, 2):
        key = frozenset((c1, c2))
        if key in done:
            continue
        row = table.at(f"{c1}|{c2}", day)
        if row is None:
            if table.at(f"{c2}|{c1}", day) is not None:
                continue  # found in the other order on its own turn
            primary, addon = _primary_and_addon(c1, c2, day)
            if addon is not None:
                done.add(key)
                findings.append(
                    PairFinding(
                        column1=primary,
                        column2=addon.key,
                        verdict="add_on",
                        explanation=f"{addon.key} is the add-on to {primary}: the two are billed "
                        f"together on the same day by design, {primary} once for the first "
                        f"{addon.unit_minutes or 15} minutes and {addon.key} for each further "
                        "unit, so seeing both is not a double charge.",
                        unconfirmed=addon.unconfirmed,
                        reference=codes().ref(addon),
                    )
                )
                continue
            if c1 in EVAL_CODES and c2 in EVAL_CODES:
                done.add(key)
                findings.append(
                    PairFinding(
                        column1=c1,
                        column2=c2,
                        verdict="one_per_day",
                        explanation="only one OT evaluation or re-evaluation (97165-97168) per "
                        "date of service; bill the one that was done.",
                        unconfirmed=False,
                        reference=None,
                    )
                )
                continue
            done.add(key)
            findings.append(
                PairFinding(
                    column1=c1,
                    column2=c2,
                    verdict="not_on_file",
                    explanation="not in my pair table (it holds only the pairs NCCI chapter 11 "
                    "and therapy sources name): check the CMS practitioner PTP file for the "
                    "quarter before assuming they pay together.",
                    unconfirmed=True,
                    reference=None,
                )
            )
            continue
        done.add(key)
        if row.modifier_indicator == 0:
            verdict: Literal["modifier_required", "never_together"] = "never_together"
            text = f"{row.column2} is never paid with {row.column1} on the same day."
        else:
            verdict = "modifier_required"
            text = (
                f"an NCCI pair: {row.column2} (column 2) is denied unless it carries 59 or XU, "
                "which is only right when the services were in separate time intervals, "
                "documented."
            )
        if row.unconfirmed:
            text += " (This row is not confirmed by a primary source.)"
        findings.append(
            PairFinding(
                column1=row.column1,
                column2=row.column2,
                verdict=verdict,
                explanation=text,
                unconfirmed=row.unconfirmed,
                reference=table.ref(row),
            )
        )
    limits: dict[str, int] = {}
    refs: list[RuleRef] = []
    for code in wanted:
        mue = mues().at(code, day)
        if mue is not None:
            limits[code] = mue.units
            refs.append(mues().ref(mue))
    unknown = tuple(c for c in wanted if codes().at(c, day) is None)
    status: Status = "indeterminate" if any(f.verdict == "not_on_file" for f in findings) else "ok"
    return CodePairResult(
        status=status,
        date_of_service=day,
        pairs=tuple(findings),
        unit_limits=limits,
        unknown_codes=unknown,
        references=tuple(refs),
    )
