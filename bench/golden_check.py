"""The report on the 200k-ticket benchmark store against the golden copies in bench/golden/.

    python bench/golden_check.py            compare (exit 1 on any difference)
    python bench/golden_check.py --regen    write the golden copies from the current code

The store is the one bench/kpi_bench.py builds (bench/out/kpi_200000_1000000.db). The
generator is seeded, but the import rejects dates after tomorrow, so a store built on
another day can differ by a row: compare on the store the golden copies were made from.
The same check on the sample store runs in the test suite (tests/test_golden.py).
"""
from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "bench" / "golden"
STORE = ROOT / "bench" / "out" / "kpi_200000_1000000.db"
RUNS = {  # golden file -> report arguments
    "bench200k_report.json": ["--format", "json"],
    "bench200k_report.txt": ["--format", "text"],
    "bench200k_report_1118.json": ["--format", "json", "--as-of", "2026-11-18"],
}


def main() -> int:
    if not STORE.exists():
        print(f"no benchmark store at {STORE}; run python bench/kpi_bench.py first")
        return 1
    regen, failed = "--regen" in sys.argv, 0
    for name, args in RUNS.items():
        done = subprocess.run([sys.executable, "-m", "kpi", "report", "--db",
                               f"sqlite:///{STORE}", *args], cwd=ROOT, capture_output=True,
                              text=True, check=True)
        path = GOLDEN / name
        if regen:
            path.write_text(done.stdout, encoding="utf-8")
            print(f"wrote {name}")
            continue
        expected = path.read_text(encoding="utf-8")
        if done.stdout == expected:
            print(f"{name}: identical")
            continue
        failed += 1
        print(f"{name}: DIFFERS")
        print("\n".join(list(difflib.unified_diff(expected.splitlines(),
                                                  done.stdout.splitlines(), "golden", "now",
                                                  lineterm=""))[:40]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
