"""The house's rules (docs/ARCHITECTURE.md), checked on every module's own imports:

- ``kpi/`` is pure: it never imports sqlalchemy, streamlit, subprocess or adbc, and
  importing it (the command line aside) loads none of them;
- ``loaders/`` never imports ``kpi/`` (the store sits below the KPIs);
- ``pages/`` and ``app.py`` never import sqlalchemy (they reach the store through
  ``loaders.store``);
- importing a page's shared code starts no process.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def modules(folder: str) -> list[Path]:
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)


def imported(path: Path) -> set[str]:
    """Every module a file imports, by its full dotted name (relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out.add(name)
            out |= {f"{name}.{alias.name}" for alias in node.names}
    return out


def breaks(path: Path, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(m for m in imported(path)
                  if any(m == f or m.startswith(f + ".") for f in forbidden))


RULES = [  # (folder, forbidden top-level modules)
    ("kpi", ("sqlalchemy", "streamlit", "subprocess", "adbc_driver_sqlite",
             "adbc_driver_postgresql", "adbc_driver_manager", "loaders.store")),
    ("loaders", ("kpi", "streamlit", "pages")),
    ("pages", ("sqlalchemy",)),
]


@pytest.mark.parametrize("folder,forbidden", RULES)
def test_no_module_imports_what_its_room_may_not(folder, forbidden):
    found = {str(p.relative_to(ROOT)): breaks(p, forbidden) for p in modules(folder)
             # the command line composes the store and the KPIs: it may read the store
             if not (folder == "kpi" and p.name == "__main__.py"
                     and set(breaks(p, forbidden)) <= {"loaders.store",
                                                      "loaders.store.frames"})}
    assert {k: v for k, v in found.items() if v} == {}
    assert breaks(ROOT / "app.py", ("sqlalchemy",)) == []


def test_the_rule_finder_finds_a_break(tmp_path):
    """The checker itself: a relative import and a plain one are both caught."""
    bad = ROOT / "kpi" / "_probe_for_test.py"
    bad.write_text("import sqlalchemy\nfrom .frames import Frames\n")
    try:
        assert breaks(bad, ("sqlalchemy",)) == ["sqlalchemy"]
        assert "kpi.frames.Frames" in imported(bad)
    finally:
        bad.unlink()


def test_importing_the_kpi_engine_loads_no_database_or_page_library():
    names = [".".join(p.relative_to(ROOT).with_suffix("").parts) for p in modules("kpi")
             if p.name != "__main__.py"]
    names = [n.removesuffix(".__init__") for n in names]
    code = ("import sys\n" + "".join(f"import {n}\n" for n in names)
            + "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
              "('sqlalchemy', 'streamlit', 'adbc_driver_sqlite', 'adbc_driver_postgresql'))\n"
              "assert not bad, bad\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr


def test_importing_the_pages_shared_code_starts_no_process():
    code = ("import subprocess\n"
            "def refuse(*a, **k): raise AssertionError('a process was started: ' + repr(a))\n"
            "subprocess.Popen = refuse\n"
            + "".join(f"import pages._lib.{p.stem}\n" for p in modules("pages/_lib")
                      if p.stem != "__init__"))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
