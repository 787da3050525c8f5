"""Errors the deterministic tools raise.

Two kinds only. A caller who sent something the tool cannot use gets `InvalidBillingInput`, which
names the field and how to fix it (the CLI turns it into exit status 2, the API into HTTP 422, the
agent into a message the model can act on). Missing rule data is *not* an error: tools answer it
with an explicit ``indeterminate`` result. `RuleDataMissing` exists for the loader's own callers.
"""

from __future__ import annotations


class BillingRuleError(Exception):
    """Base class for every error raised by `tools`."""


class InvalidBillingInput(BillingRuleError, ValueError):
    """Input the caller must change: an unknown code, an impossible count, a missing choice."""

    def __init__(self, field: str, message: str, fix: str = "") -> None:
        self.field = field
        self.message = message
        self.fix = fix
        text = f"{field}: {message}"
        if fix:
            text += f"; fix: {fix}"
        super().__init__(text)


class RuleDataMissing(BillingRuleError, LookupError):
    """No row of a rule table is in force for the key and date asked."""

    def __init__(self, table: str, key: str, when: object) -> None:
        self.table = table
        self.key = key
        self.when = when
        super().__init__(f"table {table!r} has no row for {key!r} in force on {when}")
