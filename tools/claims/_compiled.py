"""Pick the compiled claim rules only when they were built from the source on disk.

setup.py compiles ``core.py`` with mypyc where it can and writes ``compiled.sha256`` with the
source's hash. Python would load a compiled module in preference to its source even after the
source was edited, so an edit would be silently ignored; here the source is loaded instead, with
a warning that says how to recompile. Behaviour is the same either way, only the speed differs.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import sys
import warnings
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_STAMP = _HERE / "compiled.sha256"
_MODULE = "tools.claims.core"


def _stamped(stamp: Path) -> dict[str, str]:
    """Source path (relative to the project root) -> hash it was compiled from."""
    try:
        text = stamp.read_text(encoding="utf-8")
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        digest, _, path = line.partition("  ")
        if digest and path:
            out[path.strip()] = digest.strip()
    return out


def has_compiled(directory: Path = _HERE) -> bool:
    """Whether a compiled core sits beside core.py."""
    return any((directory / f"core{s}").exists() for s in importlib.machinery.EXTENSION_SUFFIXES)


def compiled_is_current(directory: Path = _HERE) -> bool:
    """Whether a compiled core exists and its stamp matches core.py's current hash."""
    if not has_compiled(directory):
        return False
    digest = hashlib.sha256((directory / "core.py").read_bytes()).hexdigest()
    return _stamped(directory / _STAMP.name).get("tools/claims/core.py") == digest


def _load_source() -> None:
    path = _HERE / "core.py"
    loader = importlib.machinery.SourceFileLoader(_MODULE, str(path))
    spec = importlib.util.spec_from_file_location(_MODULE, path, loader=loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[_MODULE] = module
    try:
        loader.exec_module(module)
    except BaseException:
        del sys.modules[_MODULE]
        raise


def use_source_unless_compiled_current() -> bool:
    """Make ``tools.claims.core`` the compiled module if it is current and imports, else the
    source. Returns whether the compiled module is in use."""
    if _MODULE in sys.modules:
        return not str(getattr(sys.modules[_MODULE], "__file__", "")).endswith(".py")
    if not has_compiled():
        return False
    if compiled_is_current():
        try:
            importlib.import_module(_MODULE)
            return True
        except ImportError as exc:
            sys.modules.pop(_MODULE, None)
            reason = f"it does not import ({exc})"
    else:
        reason = "core.py changed since it was compiled"
    warnings.warn(
        f"Using the claim rules' source, not the compiled copy: {reason}. Rerun the install "
        "(pip install -e .) to recompile, or delete tools/claims/core.*.so.",
        RuntimeWarning,
        stacklevel=2,
    )
    _load_source()
    return False
