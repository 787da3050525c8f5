"""ICD-10-CM validity and billable status, from the code file built by scripts/build_icd10.py."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Literal

CodeStatus = Literal["B", "H"]


@dataclass(frozen=True)
class CodeSet:
    """One ICD-10-CM release: every code (no dot) with B (billable) or H (header)."""

    release: str
    source: str
    url: str
    effective_from: date
    effective_to: date
    codes: dict[str, CodeStatus]

    def covers(self, when: date) -> bool:
        """Whether the release is the one in force on `when`."""
        return self.effective_from <= when <= self.effective_to

    def status(self, raw: str) -> CodeStatus | None:
        """B, H, or None when the code does not exist in the release."""
        return self.codes.get(normalize(raw))


def normalize(raw: str) -> str:
    """Upper-case and drop the dot and spaces: 'i69.351 ' -> 'I69351'."""
    return raw.strip().upper().replace(".", "").replace(" ", "")


def with_dot(raw: str) -> str:
    """The code written with its dot after the third character."""
    code = normalize(raw)
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


@cache
def code_set() -> CodeSet:
    """The shipped release, loaded once per process (about 0.1 s)."""
    data = resources.files("tools.ruledata").joinpath("icd10cm.txt.gz").read_bytes()
    header: dict[str, str] = {}
    codes: dict[str, CodeStatus] = {}
    for line in gzip.decompress(data).decode().splitlines():
        if line.startswith("# "):
            key, _, value = line[2:].partition(": ")
            header[key] = value
        elif line:
            code, _, flag = line.partition("\t")
            codes[code] = "B" if flag == "B" else "H"
    return CodeSet(
        release=header["release"],
        source=header["source"],
        url=header["url"],
        effective_from=date.fromisoformat(header["effective_from"]),
        effective_to=date.fromisoformat(header["effective_to"]),
        codes=codes,
    )
