"""Value types shared by every tool: codes, statuses and the provenance attached to results."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

_CODE_RE = re.compile(r"^(?:\d{5}|\d{4}[FTU]|[A-V]\d{4})$")
_MODIFIER_RE = re.compile(r"^[A-Z0-9]{2}$")


def _normalize_code(value: str) -> str:
    code = value.strip().upper()
    if not _CODE_RE.match(code):
        raise ValueError(
            f"{value!r} is not a CPT/HCPCS code (five digits such as 97530, or a letter and four "
            "digits such as G0283)"
        )
    return code


def _normalize_modifier(value: str) -> str:
    mod = value.strip().upper()
    if not _MODIFIER_RE.match(mod):
        raise ValueError(f"{value!r} is not a modifier (two letters or digits such as GO or 59)")
    return mod


CptCode = Annotated[str, AfterValidator(_normalize_code)]
"""A CPT or HCPCS Level II code, upper-cased. Format only; the code table decides if it is known."""

Modifier = Annotated[str, AfterValidator(_normalize_modifier)]
"""A two-character CPT/HCPCS modifier, upper-cased."""

Status = Literal["ok", "indeterminate"]
"""``indeterminate`` means the answer depends on data or a choice the tool does not have."""

Grade = Literal["primary", "secondary"]


class Frozen(BaseModel):
    """Base for result models: immutable, so a result can be cached and shared safely."""

    model_config = ConfigDict(frozen=True)


class Request(BaseModel):
    """Base for request models: immutable and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class RuleRef(Frozen):
    """The row of a rule table an answer used, with where the value comes from."""

    table: str = Field(description="Rule table id, e.g. 'cms-unit-table'.")
    key: str = Field(description="Row key within the table, e.g. a code or a payer id.")
    effective_from: date = Field(description="First date the row is in force.")
    effective_to: date | None = Field(
        default=None, description="Last date the row is in force; null while open-ended."
    )
    url: str = Field(description="Reference URL for the value.")
    source: str = Field(description="Title of the source document.")
    grade: Grade = Field(description="primary (CMS, MAC, payer, AMA/AOTA) or secondary source.")
    checked: date = Field(description="Date the value was last checked against its source.")
    note: str = Field(default="", description="Conflicts or limits recorded with the value.")
