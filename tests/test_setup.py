"""What `make run` and `make test` set up on a new machine (the README's two commands)."""

from __future__ import annotations

import subprocess

from conftest import ROOT


def _dry_run(target: str) -> str:
    return subprocess.run(
        ["make", "-n", target, "MANYI_DB=/nonexistent/demo.duckdb"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_make_run_installs_what_the_report_needs_before_serving():
    """The PDF report draws its charts in Chromium and embeds CJK fonts: a new machine's
    `make run` failed on its first PDF when only `make test` installed them."""
    steps = _dry_run("run")
    assert "install_browser.sh" in steps
    assert steps.index("install_browser.sh") < steps.index("streamlit run serve.py")


def test_the_installer_waits_for_another_apt_instead_of_failing():
    script = (ROOT / "scripts" / "install_browser.sh").read_text(encoding="utf-8")
    installs = [
        line for line in script.splitlines() if "apt-get" in line and not line.lstrip().startswith("#")
    ]
    assert installs and all('"${WAIT[@]}"' in line for line in installs)
    assert "WAIT=(-o DPkg::Lock::Timeout=600)" in script
