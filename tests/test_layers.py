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
