"""The compiled claim rules (setup.py, mypyc) must behave exactly like their source, and a stale
compiled copy must never be used in place of an edited source."""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import random
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import tools.claims
from tests.claims.conftest import make
from tools.claims import _compiled
from tools.claims.models import Claim

CLAIMS_DIR = Path(_compiled.__file__).resolve().parent
HELDOUT = Path(__file__).parent / "data" / "heldout.jsonl"


def _source_module() -> ModuleType:
    """core.py loaded as a separate module: its own rule registry and caches."""
    name = "otbill_claims_core_source"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, CLAIMS_DIR / "core.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _varied_claims(n: int, seed: int = 5) -> list[dict[str, Any]]:
    """Claims that trip every kind of rule: payers with and without data, unknown and paired
    codes, missing modifiers, wrong units, odd places of service, dates across years."""
    rng = random.Random(seed)
    payers = [
        ("Medicare", "medicare"),
        ("Humana Gold Plus", "medicare_advantage"),
        ("UnitedHealthcare", "commercial"),
        ("Premera", "commercial"),
        ("Acme Health", "commercial"),
        ("", "medicaid"),
        ("TRICARE", "tricare"),
    ]
    codes = ["97530", "97110", "97140", "97535", "97165", "97166", "97168", "97150", "99999"]
    mods = ["GO", "GP", "KX", "CO", "59", "XU", "95", "GT"]
    dxs = ["I69.351", "R26.89", "I69.35", "M62.81", "Z00.00", "XYZ", "F84.0"]
    out = []
    for i in range(n):
        dos = f"{rng.choice([2019, 2023, 2024, 2025, 2026])}-{rng.randint(1, 12):02d}-10"
        name, plan = rng.choice(payers)
        lines = []
        for _ in range(rng.randint(1, 4)):
            lines.append(
                {
                    "date_of_service": dos,
                    "cpt": rng.choice(codes),
                    "modifiers": rng.sample(mods, rng.randint(0, 3)),
                    "units": rng.randint(0, 6),
                    "minutes": rng.choice([None, 0, 7, 8, 15, 23, 38, 61]),
                    "diagnosis_pointers": rng.sample([1, 2, 3], rng.randint(0, 2)),
                    "charge": rng.choice(["0", "120.00", "60.00"]),
                    "assistant_minutes": rng.choice([0, 0, 5, 30]),
                }
            )
        claim = make(
            **{
                "claim_id": f"V{i}",
                "submitted_on": f"{int(dos[:4]) + rng.choice([0, 0, 1, 2])}{dos[4:]}",
                "payer.name": name,
                "payer.plan_type": plan,
                "payer.network": rng.choice(["in", "out"]),
                "place_of_service": rng.choice(["11", "02", "10", "12", "99", ""]),
                "diagnoses": rng.sample(dxs, rng.randint(0, 3)),
                "rendering_provider.discipline": rng.choice(["OT", "OTA", "PT"]),
                "rendering_provider.npi": rng.choice(["1245319599", "1245319598"]),
                "lines": lines,
                "context.ytd_ot_allowed": str(rng.randrange(0, 4000)),
            }
        )
        out.append(claim)
    return out


@pytest.mark.skipif(
    not tools.claims.COMPILED,
    reason="the claim rules are not compiled on this machine (no C compiler or mypyc at install)",
)
def test_compiled_rules_give_exactly_the_sources_results() -> None:
    from tools.claims import core

    assert not str(core.__file__).endswith(".py")
    source = _source_module()
    claims = [json.loads(x)["claim"] for x in HELDOUT.read_text().splitlines() if x.strip()]
    claims += _varied_claims(600)
    rules_seen: set[str] = set()
    for raw in claims:
        claim = Claim.model_validate(raw)
        compiled_result = core.check_claim(claim)
        assert compiled_result.model_dump() == source.check_claim(claim).model_dump(), raw
        rules_seen.update(f.rule_id for f in compiled_result.findings)
    # The comparison is only as good as the rules it exercised.
    assert len(rules_seen) >= 30, sorted(rules_seen)


def _fake_package(tmp_path: Path) -> Path:
    shutil.copy(CLAIMS_DIR / "core.py", tmp_path / "core.py")
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    (tmp_path / f"core{suffix}").write_bytes(b"")
    digest = hashlib.sha256((tmp_path / "core.py").read_bytes()).hexdigest()
    (tmp_path / "compiled.sha256").write_text(f"{digest}  tools/claims/core.py\n")
    return tmp_path


def test_a_compiled_copy_counts_only_while_its_stamp_matches_the_source(tmp_path: Path) -> None:
    directory = _fake_package(tmp_path)
    assert _compiled.compiled_is_current(directory)
    # An edit to the source makes the compiled copy stale.
    with (directory / "core.py").open("a") as fh:
        fh.write("\n# edited\n")
    assert not _compiled.compiled_is_current(directory)


def test_no_stamp_or_no_compiled_file_means_source(tmp_path: Path) -> None:
    directory = _fake_package(tmp_path)
    (directory / "compiled.sha256").unlink()
    assert not _compiled.compiled_is_current(directory)
    directory = _fake_package(tmp_path)
    for path in directory.glob("core*.so"):
        path.unlink()
    assert not _compiled.has_compiled(directory)
    assert not _compiled.compiled_is_current(directory)


def test_the_module_in_use_matches_what_the_package_reports() -> None:
    from tools.claims import core

    source_in_use = str(core.__file__).endswith(".py")
    assert source_in_use is not tools.claims.COMPILED
    if _compiled.has_compiled() and not _compiled.compiled_is_current():
        assert str(core.__file__).endswith("core.py")
