"""The rule catalog as a tool: what `otbill rules` and GET /v1/tools/list_claim_rules show."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from tools.common import Frozen, Request, RuleRef, Status
from tools.ruledata.claims_tables import claim_rules


class ClaimRulesRequest(Request):
    """Which rules to list."""

    on: date | None = Field(default=None, description="Only rules in force on this date.")
    rule_id: str | None = Field(
        default=None, max_length=60, description="Only this rule id, e.g. KX_MODIFIER_REQUIRED."
    )


class CatalogEntry(Frozen):
    """One rule of the catalog."""

    rule_id: str = Field(description="Stable rule id.")
    severity: str = Field(description="Default severity: error, warning or info.")
    applies_to: tuple[str, ...] = Field(description="Plan types the rule runs for.")
    description: str = Field(description="What the rule catches.")
    effective_from: date = Field(description="First date the rule applies.")
    effective_to: date | None = Field(description="Last date, if retired.")
    source: RuleRef = Field(description="Where the rule comes from.")


class ClaimRulesResult(Frozen):
    """The catalog."""

    status: Status = Field(description="ok, or indeterminate when no rule matched the query.")
    rules: tuple[CatalogEntry, ...] = Field(description="Rules, in catalog order.")

    def to_text(self) -> str:
        """One block per rule, for the terminal."""
        out = []
        for r in self.rules:
            span = f"from {r.effective_from}" + (f" to {r.effective_to}" if r.effective_to else "")
            out.append(
                f"{r.rule_id} [{r.severity}] ({', '.join(r.applies_to)}; {span})\n"
                f"    {r.description}\n    source: {r.source.source} <{r.source.url}>"
            )
        return "\n".join(out) + f"\n{len(self.rules)} rule(s)."


def list_claim_rules(request: ClaimRulesRequest) -> ClaimRulesResult:
    """List the claim validator's rule catalog: ids, severity, plan types, dates and sources.

    Use when someone asks what the claim scrubber checks, what a rule id such as
    NCCI_MODIFIER_REQUIRED means, or where a rule comes from.
    """
    table = claim_rules()
    entries = []
    for key in table.all_keys():
        if request.rule_id and key != request.rule_id.strip().upper():
            continue
        rows = [table.at(key, request.on)] if request.on else list(table.history(key)[-1:])
        for row in rows:
            if row is None:
                continue
            entries.append(
                CatalogEntry(
                    rule_id=row.key,
                    severity=row.severity,
                    applies_to=row.applies_to,
                    description=row.description,
                    effective_from=row.effective_from,
                    effective_to=table.end_of(row),
                    source=table.ref(row),
                )
            )
    return ClaimRulesResult(status="ok" if entries else "indeterminate", rules=tuple(entries))
