"""projreg installed the way a user installs it, with the pip Python 3.11 bundles (23.x): HTML still ingests.

justext (through trafilatura) imports ``lxml_html_clean`` by lxml's extra; a pip that drops extras
left HTML ingest crashing with an ImportError, so projreg declares it itself.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT

PAGE = (
    "<html><head><title>四平市重点项目</title></head><body><article><h1>四平市重点项目</h1>"
    "<p>计划总投资7.52亿元的双辽市绿电产业示范园区15万千瓦风电项目近日开工建设，预计年可实现产值1.48亿元。</p>"
    "<p>该项目由吉林省能源集团有限公司投资建设，项目建成后将带动当地就业。</p></article></body></html>"
)


@pytest.mark.slow
def test_a_fresh_venv_with_its_bundled_pip_installs_projreg_and_ingests_html(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys._base_executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run([venv / "bin" / "pip", "--version"], capture_output=True, text=True, check=True)
    print(pip.stdout)
    install = subprocess.run(
        [venv / "bin" / "pip", "install", "--quiet", str(ROOT)], capture_output=True, text=True
    )
    assert install.returncode == 0, install.stderr[-2000:]
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    env = dict(os.environ, PROJREG_RULES=str(ROOT / "rules"), PROJREG_MODELS=str(ROOT / "models"))
    run = subprocess.run(
        [venv / "bin" / "projreg", "ingest", str(page), "--db", str(tmp_path / "r.db"), "--strict"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "1 new" in run.stdout + run.stderr and "1 projects" in run.stdout + run.stderr
