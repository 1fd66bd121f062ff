"""The package's layers (see scripts/nianbao/__init__.py): what versions the parse cache, who imports whom."""

import ast

import pytest
from nianbao.paths import PACKAGE
from nianbao.run.parse_cache import PARSE_CODE
from nianbao.run.pipeline import PAGES_CODE, SITE_CODE
from nianbao.run.stamp import code_digest, code_files

# subpackage → the subpackages its modules must never import
FORBIDDEN = {"parse": {"publish", "run", "measure"}, "publish": {"parse", "run", "measure"}, "run": {"measure"}}


def _imported_modules(path, source=None):
    """Absolute dotted names of every module a file imports, relative imports resolved."""
    package = ["nianbao", *path.relative_to(PACKAGE).parent.parts]
    for node in ast.walk(ast.parse(source if source is not None else path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def test_every_parse_module_versions_the_parse_cache():
    hashed = set(code_files(PARSE_CODE))
    parse_modules = set((PACKAGE / "parse").rglob("*.py"))
    assert parse_modules and parse_modules <= hashed, sorted(str(p) for p in parse_modules - hashed)
    assert PACKAGE / "schema.py" in hashed
    # The data the parse side reads (the identity tables) versions it too.
    data = {p for p in (PACKAGE / "parse").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert data - parse_modules and data <= hashed, sorted(str(p) for p in data - hashed)


def test_stage_digests_cover_their_code():
    assert set((PACKAGE / "publish").glob("*.py")) <= set(code_files(PAGES_CODE))
    assert set((PACKAGE / "publish" / "templates").glob("*.j2")) <= set(code_files(PAGES_CODE))
    assert PACKAGE / "run" / "site.py" in set(code_files(SITE_CODE))


def test_a_pattern_that_matches_nothing_is_an_error():
    with pytest.raises(FileNotFoundError, match="matches no file"):
        code_digest(("extract.py",))  # the module's place before the move: must not hash nothing


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_import_downwards_only(layer):
    offences = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for module in _imported_modules(path):
            parts = module.split(".")
            if parts[0] == "nianbao" and len(parts) > 1 and parts[1] in FORBIDDEN[layer]:
                offences.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert not offences, offences


def test_the_import_check_resolves_relative_imports():
    inside_readers = PACKAGE / "parse" / "readers" / "new_reader.py"
    found = set(_imported_modules(inside_readers, "from ...publish import pages\nfrom . import text\n"))
    assert "nianbao.publish.pages" in found and "nianbao.parse.readers.text" in found
