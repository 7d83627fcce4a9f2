"""Exit 0 when this interpreter already has claimcheck from this checkout and every requirement that
pyproject.toml names (core, plus the extras given as arguments) at a matching version; else exit 1.

scripts/demo.sh uses it to skip pip, and so the network, on a machine that is already set up.
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def missing(extras: list[str]) -> list[str]:
    """Requirements not met, as written in pyproject.toml ('claimcheck' itself when not from this checkout)."""
    try:
        from packaging.requirements import Requirement
    except ImportError:
        return ["packaging"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project.get("optional-dependencies", {}).get(extra, [])
    out = []
    for line in wanted:
        req = Requirement(line)
        if req.name == project["name"]:
            continue  # an extra naming another extra ("claimcheck[serve]"): checked when that extra is asked for
        try:
            version = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            out.append(line)
            continue
        if req.specifier and not req.specifier.contains(version, prereleases=True):
            out.append(line)
    try:
        import claimcheck

        if not Path(claimcheck.__file__).resolve().is_relative_to(ROOT / "src"):
            out.append("claimcheck (installed from elsewhere)")
    except ImportError:
        out.append("claimcheck")
    return out


if __name__ == "__main__":
    sys.exit(1 if missing(sys.argv[1:]) else 0)
