"""Imports point one way: search_app -> web -> archive -> ingest. Checked on the source, module by module."""

import ast
from pathlib import Path

import pytest

from archive.engine.whoosh.index import build_schema

ROOT = Path(__file__).resolve().parents[1]
# package -> top-level modules it must not import
FORBIDDEN = {
    "ingest": {"flask", "werkzeug", "sqlite3", "sqlite_utils", "whoosh", "archive", "web", "search_app"},
    "archive": {"flask", "werkzeug", "web", "search_app"},
    "web": {"ingest", "sqlite3", "sqlite_utils", "whoosh", "search_app"},
}


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports, at any depth (functions included)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_package_imports_against_the_direction(package: str):
    offences = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & FORBIDDEN[package])
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert {path: names for path, names in offences.items() if names} == {}


def test_the_check_sees_imports_inside_functions(tmp_path: Path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from whoosh import index\n    import flask.json\n")
    assert imported_modules(module) == {"whoosh", "flask"}


def test_only_the_tantivy_engine_imports_tantivy():
    engine = ROOT / "archive" / "engine" / "tantivy"
    importers = {str(path.relative_to(ROOT)) for path in sorted(ROOT.rglob("*.py"))
                 if ".venv" not in path.parts and "tantivy" in imported_modules(path)}
    assert importers and all(Path(ROOT / name).is_relative_to(engine) for name in importers), importers


def test_the_whoosh_analyzers_stay_where_existing_indexes_find_them():
    """Whoosh pickles its schema, analyzers included, into every index: the tokenizer classes must keep their module
    path, or no index built before a move opens again (the app and every command would fail to start)."""
    schema = build_schema()
    tokenizers = {type(schema[name].analyzer.items[0]) for name in ("title", "title_parts", "faction")}
    assert {(cls.__module__, cls.__name__) for cls in tokenizers} == {
        ("archive.analysis", "GermanTokenizer"), ("archive.analysis", "PartsTokenizer")}


# the query layer's compiler, which a request must not go back to once its plans are executed
COMPILER = {"to_plan", "compound_parts", "highlight_terms", "parse", "read", "literal"}
# archive/search.py: where a request is compiled, at its top
COMPILING = {"_match", "_compile", "_with_optional", "_partial_plans"}


def compiler_calls(path: Path) -> dict[str, set[str]]:
    """Function name -> the compiler functions it calls, for every top-level function of ``path``."""
    out = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef):
            called = {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
            out[node.name] = called & COMPILER
    return out


def test_a_request_is_compiled_once_at_the_top_then_executed():
    """archive/search.py compiles every plan of a request in one step (parse, read, ``_compile``) before the
    engine executes them: matching, partial matches, ranking and snippets only execute plans."""
    calls = compiler_calls(ROOT / "archive" / "search.py")
    assert {name for name, found in calls.items() if found} <= COMPILING
    assert calls["_match"] >= {"parse", "read"}


def test_the_compile_check_sees_calls(tmp_path: Path):
    module = tmp_path / "m.py"
    module.write_text("def _rank(node, terms):\n    return to_plan(node, terms=terms)\n", encoding="utf-8")
    assert compiler_calls(module) == {"_rank": {"to_plan"}}
