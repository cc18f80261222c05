"""kpi/ is pure pandas: it never imports Streamlit (SPEC: Layout)."""
import subprocess
import sys
from pathlib import Path

KPI = Path(__file__).resolve().parent.parent / "kpi"


def test_kpi_sources_do_not_mention_streamlit_imports():
    for path in KPI.glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            assert not (stripped.startswith(("import streamlit", "from streamlit"))), path


def test_importing_every_kpi_module_loads_no_streamlit():
    modules = [p.stem for p in KPI.glob("*.py") if p.stem not in ("__init__", "__main__")]
    code = ("import sys\n" + "".join(f"import kpi.{m}\n" for m in modules)
            + "assert 'streamlit' not in sys.modules, 'streamlit was imported'\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=KPI.parent,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
