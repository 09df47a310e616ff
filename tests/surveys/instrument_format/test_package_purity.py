"""The format package is pure: stdlib and PyYAML only, no Django, no other project code."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import surveys.instrument_format as package

PACKAGE_DIR = Path(package.__file__).parent
ALLOWED_TOP_LEVEL = set(sys.stdlib_module_names) | {"yaml"}


def test_every_module_imports_only_stdlib_yaml_or_its_own_package():
    # given every module of the package
    for path in PACKAGE_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # when its imports are listed
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            # then each is the standard library, PyYAML or a relative import
            assert all(name.split(".")[0] in ALLOWED_TOP_LEVEL for name in names), (path.name, names)


def test_importing_the_package_loads_no_django():
    # given a fresh interpreter
    code = (
        "import sys, surveys.instrument_format as f; f.load_bundled('core-inside'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'assessments', 'reports', 'trustier')))"
    )
    # when the package is imported and used
    result = subprocess.run([sys.executable, "-c", code], cwd=PACKAGE_DIR.parents[1], capture_output=True, text=True, check=True)
    # then no Django or other project module was imported
    assert result.stdout.strip() == "[]"
