"""deploy/prometheus/ passes promtool (Debian's `prometheus` package; scripts/system-deps.sh).
Outside CI a machine without promtool skips; under CI=true a missing promtool fails."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

PROMETHEUS_DIR = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"


@pytest.fixture
def promtool():
    found = shutil.which("promtool")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("promtool is missing (apt-get install prometheus; scripts/system-deps.sh)")
        pytest.skip("promtool not installed (Debian package `prometheus`)")
    return found


def _run(*args) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)


def test_the_scrape_config_passes_promtool(promtool, tmp_path):
    for name in ("prometheus.yml", "rules.yml"):
        shutil.copy(PROMETHEUS_DIR / name, tmp_path / name)
    (tmp_path / "metrics_token").write_text("token-for-the-check")  # git-ignored in deploy/
    result = _run(promtool, "check", "config", str(tmp_path / "prometheus.yml"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_alert_rules_pass_promtool_one_per_critical_signal(promtool):
    result = _run(promtool, "check", "rules", str(PROMETHEUS_DIR / "rules.yml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 3 rules found" in result.stdout
    rules = (PROMETHEUS_DIR / "rules.yml").read_text()
    for alert in ("SweepLagging", "NoWorkerConsuming", "FillRateCollapse"):
        assert f"alert: {alert}" in rules


def test_a_broken_rule_fails_promtool(promtool, tmp_path):
    """The check can fail: an unparsable expression is reported."""
    broken = tmp_path / "rules.yml"
    broken.write_text((PROMETHEUS_DIR / "rules.yml").read_text().replace("> 120", "> > 120", 1))
    assert _run(promtool, "check", "rules", str(broken)).returncode != 0
