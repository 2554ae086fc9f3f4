"""The package's layers, read from its imports: each module imports only its own layer
and the layers below it, and no two modules import each other in a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import ektp_qual

SRC = Path(ektp_qual.__file__).parent
#: Bottom to top; a module may import from its own layer and any layer before it.
LAYERS = [
    "model",
    "language",
    "inputs",
    "coding",
    "analysis",
    "refi",
    "outputs",
    "loop",
    "pipeline",
    "workbench",
    "cli",
]
#: The package's own entry points, above everything.
TOP = {"ektp_qual", "ektp_qual.__main__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every ektp_qual module the file imports, at top level or inside functions."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if not target.startswith("ektp_qual"):
                continue
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if _exists(candidate) else target)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("ektp_qual")}
    return found


def _exists(module: str) -> bool:
    relative = Path(*module.split(".")[1:])
    return (SRC / relative).with_suffix(".py").exists() or (SRC / relative / "__init__.py").exists()


def layer(module: str) -> int:
    parts = module.split(".")
    if module in TOP:
        return len(LAYERS)
    return LAYERS.index(parts[1])


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(SRC.rglob("*.py"))}


def test_every_module_belongs_to_a_layer():
    for module in graph():
        assert module in TOP or module.split(".")[1] in LAYERS, module


def test_no_module_imports_a_layer_above_its_own():
    upward = [
        f"{module} imports {target}"
        for module, targets in graph().items()
        for target in targets
        if target not in TOP and layer(target) > layer(module)
    ]
    assert not upward, "\n".join(upward)


def test_no_import_cycles():
    edges = graph()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = [*path[path.index(module) :], module]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        for target in sorted(edges.get(module, ())):
            if target != module and target not in TOP:
                visit(target, [*path, module])
        done.add(module)

    for module in edges:
        visit(module, [])


def test_every_import_of_the_package_names_a_module_that_exists():
    """A relative import one dot short (``from .coding`` inside a subpackage) would only
    fail when its function runs: find it from the source instead."""
    missing = [
        f"{module} imports {target}"
        for module, targets in graph().items()
        for target in targets
        if target not in TOP and not _exists(target)
    ]
    assert not missing, "\n".join(missing)
