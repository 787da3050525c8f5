"""The import direction of the four packages, checked on the source with ast."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = {"assistant", "tools", "knowledge", "prompts"}
STDLIB = set(sys.stdlib_module_names)
ALLOWED_THIRD_PARTY = {
    "tools": {"pydantic"},
    "prompts": set(),
    "knowledge": {"pydantic", "chromadb", "model2vec", "bm25s", "numpy", "tqdm"},
}
ALLOWED_OURS = {"tools": {"tools"}, "prompts": {"prompts"}, "knowledge": {"knowledge"}}


def imports_of(package: str) -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(str(path.relative_to(ROOT)), a.name.split(".")[0]) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.append((str(path.relative_to(ROOT)), node.module.split(".")[0]))
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED_THIRD_PARTY))
def test_import_direction(package: str) -> None:
    bad = []
    for where, root in imports_of(package):
        if root in STDLIB or root == "__future__":
            continue
        if root in OURS:
            if root not in ALLOWED_OURS[package]:
                bad.append(f"{where} imports {root}")
        elif root not in ALLOWED_THIRD_PARTY[package]:
            bad.append(f"{where} imports {root}")
    assert not bad, "forbidden imports:\n" + "\n".join(bad)


def test_packages_resolve_inside_the_repository() -> None:
    import assistant
    import knowledge
    import prompts
    import tools

    for mod in (assistant, knowledge, prompts, tools):
        assert Path(mod.__file__).resolve().is_relative_to(ROOT), mod.__name__


def test_the_guard_catches_a_forbidden_import(tmp_path, monkeypatch) -> None:
    fake = tmp_path / "tools"
    fake.mkdir()
    (fake / "x.py").write_text("import langchain\nfrom fastapi import FastAPI\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    roots = {root for _, root in imports_of("tools")}
    assert {"langchain", "fastapi"} <= roots
