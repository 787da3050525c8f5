"""Prompt and answer templates (Markdown files in this package) and a tiny loader.

``load("offline/units")`` reads ``prompts/offline/units.md``. Templates use ``string.Template``
placeholders (``$name``), so JSON braces in a template need no escaping, and ``render`` raises on
a missing value instead of printing a blank. Each template carries a version (a hash of its text)
that answers record, so an answer can be traced to the exact template that produced it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import Template


@dataclass(frozen=True)
class Prompt:
    """A template's text, name and content version."""

    name: str
    text: str
    version: str

    def render(self, **values: object) -> str:
        """Fill every placeholder; a missing value raises KeyError naming it."""
        return Template(self.text).substitute({k: str(v) for k, v in values.items()})

    @property
    def placeholders(self) -> set[str]:
        """Names of the placeholders in the template."""
        return {
            m.group("named") or m.group("braced")
            for m in Template.pattern.finditer(self.text)
            if m.group("named") or m.group("braced")
        }


@cache
def load(name: str) -> Prompt:
    """Load ``prompts/<name>.md``; raise FileNotFoundError naming the template."""
    path = resources.files("prompts").joinpath(f"{name}.md")
    if not path.is_file():
        raise FileNotFoundError(f"no prompt template named {name!r} (looked for {name}.md)")
    text = path.read_text(encoding="utf-8")
    return Prompt(name=name, text=text, version=hashlib.sha256(text.encode()).hexdigest()[:12])


def exists(name: str) -> bool:
    """Whether a template of that name ships with the package."""
    return resources.files("prompts").joinpath(f"{name}.md").is_file()


def names() -> list[str]:
    """Every template name, e.g. 'offline/units'."""
    root = resources.files("prompts")
    found: list[str] = []
    stack = [(root, "")]
    while stack:
        node, prefix = stack.pop()
        for child in node.iterdir():
            if child.is_dir() and not child.name.startswith("_"):
                stack.append((child, f"{prefix}{child.name}/"))
            elif child.name.endswith(".md"):
                found.append(prefix + child.name[:-3])
    return sorted(found)
