"""Build step: compile the claim rules with mypyc when this machine can, else stay pure Python.

The claim scrubber's rules run about twice as fast compiled (bench/RESULTS.md), which is what
lets a batch reach the issue's 20,000 claims/s on one core. The compiled module is an optional
accelerator only: the same source is compiled, any failure (no C compiler, no Python headers,
``OTBILL_PURE_PYTHON=1``) leaves the pure-Python module in place, and ``tools/claims/__init__.py``
falls back to the source whenever the compiled module is missing, broken or older than the
source (so an edit to ``core.py`` is never silently ignored).

Everything else about the package lives in pyproject.toml.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
# Modules compiled, and the file that records which source each compiled module was built from.
COMPILED = ["tools/claims/core.py"]
STAMP = ROOT / "tools" / "claims" / "compiled.sha256"


def _say(message: str) -> None:
    sys.stderr.write(f"ot-billing-assistant: {message}\n")


def _stamp() -> None:
    lines = [
        f"{hashlib.sha256((ROOT / path).read_bytes()).hexdigest()}  {path}\n" for path in COMPILED
    ]
    STAMP.write_text("".join(lines), encoding="utf-8")


def _clear_stamp() -> None:
    STAMP.unlink(missing_ok=True)


class OptionalBuildExt(build_ext):
    """Build the compiled modules, or none of them: a half-built pair would not import."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # any build failure means "stay pure Python"
            _clear_stamp()
            # build_py may already have copied the stamp next to the package being built.
            (Path(self.build_lib) / STAMP.relative_to(ROOT)).unlink(missing_ok=True)
            _say(f"could not compile the claim rules ({exc}); using pure Python (slower).")

    def build_extension(self, ext: Any) -> None:
        try:
            super().build_extension(ext)
        except Exception:
            for other in self.extensions:
                path = Path(self.get_ext_fullpath(other.name))
                path.unlink(missing_ok=True)
            raise


# setuptools runs this file for metadata too; only commands that build code compile (mypyc takes
# about half a minute).
_BUILDS = {"build", "build_ext", "bdist_wheel", "editable_wheel", "develop", "install"}


def _extensions() -> list[Any]:
    if not _BUILDS.intersection(sys.argv[1:]):
        return []
    if os.environ.get("OTBILL_PURE_PYTHON") == "1":
        _clear_stamp()
        return []
    try:
        from mypyc.build import mypycify

        modules = mypycify(COMPILED, opt_level="3")
    except BaseException as exc:  # mypyc exits on type errors: stay pure Python
        _clear_stamp()
        _say(f"mypyc unavailable or failed ({exc!r}); using pure Python (slower).")
        return []
    _stamp()
    return list(modules)


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
