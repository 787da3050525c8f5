"""Build the ICD-10-CM code file the claim validator reads (tools/ruledata/icd10cm.txt.gz).

Usage: pip install simple-icd-10-cm==1.5.0 && python scripts/build_icd10.py

`tools/` may import only the stdlib and pydantic, so the code set is exported once from the
`simple-icd-10-cm` package (which packages the CDC/NCHS tabular list) into a small gzip text file:
a header of ``# key: value`` lines, then one code per line (no dot) with ``B`` for a billable
leaf code or ``H`` for a header that needs more characters. Re-run when the package ships the next
fiscal year's release, and update the header's effective dates.
"""

from __future__ import annotations

import gzip
from importlib.metadata import version
from pathlib import Path

import simple_icd_10_cm as icd

OUT = Path(__file__).resolve().parent.parent / "tools" / "ruledata" / "icd10cm.txt.gz"
HEADER = {
    "source": "simple-icd-10-cm " + version("simple-icd-10-cm") + " (CDC/NCHS ICD-10-CM tabular)",
    "release": "April 2026 update of FY2026",
    "url": "https://github.com/StefanoTrv/simple_icd_10_CM",
    "effective_from": "2025-10-01",
    "effective_to": "2026-09-30",
    "note": "FY2026 code set with the April 2026 update; dates of service outside the range are "
    "checked against it with a warning.",
}


def main() -> None:
    lines = [f"# {key}: {value}" for key, value in HEADER.items()]
    count = 0
    for code in icd.get_all_codes(False):
        if icd.is_chapter_or_block(code):
            continue
        lines.append(f"{code}\t{'B' if icd.is_leaf(code) else 'H'}")
        count += 1
    # mtime=0 keeps the file byte-identical between runs of the same release.
    with gzip.GzipFile(OUT, "wb", mtime=0) as fh:
        fh.write(("\n".join(lines) + "\n").encode())
    print(f"wrote {count} codes to {OUT} ({OUT.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
