"""A non-editable install, used from another directory, finds its rules, facts, model and web page."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from testpaths import ROOT


def test_wheel_ships_rules_facts_model_and_static(tmp_path):
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(wheels.glob("claimcheck-*.whl"))
    target = tmp_path / "site"
    inst = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=600,
    )
    assert inst.returncode == 0, inst.stderr[-2000:]
    code = (
        "import json, claimcheck; from claimcheck.resources import rules_dir, models_dir;"
        "r = claimcheck.check_text('Our stem cell therapy for stroke is FDA approved.');"
        "print(json.dumps([str(rules_dir()), str(models_dir()), r.flagged, claimcheck.__file__]))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    rules, models, flagged, module = json.loads(run.stdout.strip().splitlines()[-1])
    assert module.startswith(str(target)) and rules.startswith(str(target)) and flagged
    assert (target / "claimcheck" / "_data" / "rules" / "facts.yaml").is_file()
    assert (target / "claimcheck" / "models" / "claimcheck.skops").is_file()
    assert (target / "claimcheck" / "models" / "claimcheck.npz").is_file()  # the sklearn-free inference export
    assert (target / "claimcheck" / "serve" / "static" / "index.html").is_file()
    assert (target / "claimcheck" / "schema" / "report.schema.json").is_file()  # the report's JSON Schema
