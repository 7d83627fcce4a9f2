"""The package's layers (README, "Layout"): no module imports from a layer above its own, at module level or
inside a function."""

from __future__ import annotations

import ast

from testpaths import ROOT

PACKAGE = ROOT / "src" / "claimcheck"
LAYERS = {
    "model": 0, "errors": 0, "resources": 0,
    "text": 1, "knowledge": 1,
    "detect": 2, "score": 2,
    "decide": 3, "checker": 3,
    "training": 4, "fetch": 4, "report": 4, "siteaudit": 4, "inputs": 4,
    "cli": 5, "serve": 5, "__init__": 5, "__main__": 5,
}  # fmt: skip


def _layer(dotted: str) -> int | None:
    parts = dotted.split(".")
    if parts[0] != "claimcheck":
        return None
    return LAYERS["__init__"] if len(parts) == 1 else LAYERS.get(parts[1])


def test_no_module_imports_from_a_layer_above_its_own():
    violations = []
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 40
    for path in modules:
        dotted = ".".join(("claimcheck", *path.relative_to(PACKAGE).with_suffix("").parts))
        own = _layer(dotted)
        assert own is not None, f"{dotted} has no layer in LAYERS"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            found = [t for t in targets if _layer(t) is not None]
            layer = min((_layer(t) for t in found), default=None)  # "from claimcheck import x": x's layer
            if node.__class__ is ast.ImportFrom and node.module == "claimcheck":
                # the package's own names: __version__ is a constant (layer 0); the rest is the public surface
                layer = min(0 if a.name == "__version__" else _layer(f"claimcheck.{a.name}") or 5 for a in node.names)
            if layer is not None and layer > own:
                violations.append(f"{dotted} (layer {own}) imports {targets[0]} (layer {layer})")
    assert not violations, "\n".join(violations)
