"""The package layout holds its rules: layers point down, no circles, no private names
borrowed, no module grown past one job, and importing a stage stays cheap.

The import graph is read from the source with ``ast`` (nothing is imported), so a rule
broken in a branch never taken still fails here.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "podpipe"

# Lower layers never import higher ones. Within one layer, packages may use each other
# (notes and the site read the club's cycles) as long as no circle forms.
LAYERS = {
    0: {"podpipe", "errors", "text", "urls", "cache", "defaults"},
    1: {"config"},
    2: {"records", "media", "render", "uptodate"},
    3: {"audio", "transcribe", "speakers", "club", "notes", "tags", "feed", "site"},  # the stages
    4: {"checks", "scaffold", "importer", "deploy"},
    5: {"pipeline"},
    6: {"cli", "__main__"},
}
LAYER_OF = {name: layer for layer, names in LAYERS.items() for name in names}
MAX_LINES = 400
DATA_TABLES = {"podpipe.config.categories"}  # Apple's category list: data, not logic
# Libraries a publish with nothing to do must not load (each costs 15 ms to 1.5 s).
HEAVY = ("numpy", "scipy", "faster_whisper", "ctranslate2", "torch", "whisper", "feedgen")
HEAVY += ("lxml", "PIL", "mutagen", "markdown_it", "pydub", "jinja2", "ruamel")


@dataclass(frozen=True)
class Import:
    source: str  # importing module
    target: str  # imported podpipe module
    names: tuple[str, ...]  # names taken from it (from ... import a, b)
    line: int
    in_function: bool


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def component(module: str) -> str:
    """The top-level package or module a module belongs to: podpipe.club.cycles -> club."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "podpipe"


def resolve(source: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = source if MODULES[source].name == "__init__.py" else source.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def imports_of(module: str) -> list[Import]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    inside = {
        id(n)
        for f in ast.walk(tree)
        if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
        for n in ast.walk(f)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "podpipe":
                    found.append(Import(module, alias.name, (), node.lineno, id(node) in inside))
        elif isinstance(node, ast.ImportFrom):
            base = resolve(module, node)
            if base.split(".")[0] != "podpipe":
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                target, names = (sub, ()) if sub in MODULES else (base, (alias.name,))
                found.append(Import(module, target, names, node.lineno, id(node) in inside))
    return found


IMPORTS = [imp for module in MODULES for imp in imports_of(module)]


def where(imp: Import) -> str:
    return f"{MODULES[imp.source].relative_to(PACKAGE.parent)}:{imp.line} imports {imp.target}"


def test_every_component_has_a_layer():
    assert sorted({component(m) for m in MODULES} - LAYER_OF.keys()) == []


def test_layers_only_point_down():
    upward = [
        where(imp)
        for imp in IMPORTS
        if LAYER_OF[component(imp.target)] > LAYER_OF[component(imp.source)]
    ]
    assert upward == []


def test_no_import_circles():
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for imp in IMPORTS:
        if imp.target in graph and imp.target != imp.source:
            graph[imp.source].add(imp.target)
    circles, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                circles.append(" -> ".join(path[path.index(nxt) :] + [nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_no_private_names_from_other_modules():
    borrowed = [
        f"{where(imp)}: {name}"
        for imp in IMPORTS
        for name in imp.names
        if name.startswith("_") and not name.startswith("__") and imp.target != imp.source
    ]
    assert borrowed == []


def test_no_private_attributes_of_other_modules():
    """``module._name`` on an imported podpipe module is a private name borrowed too."""
    borrowed = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bound = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = resolve(module, node)
                for alias in node.names:
                    if f"{base}.{alias.name}" in MODULES:
                        bound[alias.asname or alias.name] = f"{base}.{alias.name}"
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in bound
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                borrowed.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {node.attr}")
    assert borrowed == []


def test_podpipe_imports_sit_at_the_top_of_modules():
    """No function-level imports to hide a circle or defer a stage: stage modules are
    cheap to import (their heavy libraries are deferred inside them) instead.

    The one exception is the CLI, the top layer that nothing imports: each command loads
    its library when it runs (mkdocs' pattern), so `podpipe --help` and `--version` load
    none of it (measured: 30-35 ms of imports instead of 150-200 ms)."""
    hidden = [where(imp) for imp in IMPORTS if imp.in_function and component(imp.source) != "cli"]
    assert hidden == []


def test_no_module_over_one_job():
    long = [
        f"{m}: {n} lines"
        for m, p in MODULES.items()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and m not in DATA_TABLES
    ]
    assert long == []


@pytest.mark.parametrize("entry", ["podpipe.pipeline", "podpipe.cli"])
def test_importing_the_orchestrator_loads_no_heavy_library(entry):
    code = f"import sys, {entry}; print(' '.join(h for h in {HEAVY!r} if h in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent
    )
    assert out.stdout.split() == []
