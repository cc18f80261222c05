"""Secrets stay out of the repository and the logs; local mode listens on localhost only;
usage statistics are off; kpi/ never reaches for Streamlit."""
from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from tests.conftest import ROOT

SECRET_PATTERNS = [
    re.compile(r"-----BEGIN (RSA |EC |OPENSSH )?PRIVATE KEY-----"),
    re.compile(r"AKIA[0-9A-Z]{16}"),                          # AWS access key id
    re.compile(r"client_secret\s*=\s*\"[^\"<]{8,}\""),        # OIDC secret in TOML
    re.compile(r"postgres(ql)?(\+\w+)?://[^:/\s@]+:[^@\s/{}*]{3,}@"),  # URL with a password
]


def tracked_files() -> list[str]:
    done = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:  # not a git checkout (an unpacked archive): scan the tree
        return [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file()
                and ".git" not in p.parts]
    return done.stdout.split()


def test_no_secret_is_committed():
    files = tracked_files()
    assert ".streamlit/secrets.toml" not in files
    for name in files:
        path = ROOT / name
        if path.suffix in (".xlsx", ".png", ".db") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        for pattern in SECRET_PATTERNS:
            assert not pattern.search(text), f"{name} holds something like a secret"


def test_local_mode_listens_on_localhost_and_sends_no_statistics():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "localhost"
    assert config["browser"]["gatherUsageStats"] is False


def test_a_database_password_never_reaches_the_output(tmp_path):
    password = "S3cret" + "Passw0rd"  # split so this file holds no URL with a password
    url = f"postgresql://cadence:{password}@127.0.0.1:1/nowhere"
    for module, args in (("loaders", ["import", str(tmp_path / "x.csv")]),
                         ("kpi", ["report"])):
        done = subprocess.run([sys.executable, "-m", module, *args, "--db", url], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 1
        assert password not in done.stdout + done.stderr
        assert "cadence:***@127.0.0.1" in done.stderr
