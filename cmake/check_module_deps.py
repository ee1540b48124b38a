#!/usr/bin/python3
"""check_module_deps.py RULES SRC_DIR: fails when a source file under SRC_DIR/<module>/
includes a header of a module the rule does not let it use.

RULES holds one "module: allowed modules" line per module (written by cmake/MspipeTargets.cmake
from MSPIPE_MODULE_DEPS); a module named a_b lives in SRC_DIR/a/b/. Each violation is
printed as "file:line: error: <module> may not include <other> (\"<header>\"); <module> may use: ...".
"""
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
SOURCES = {".cpp", ".hpp", ".h", ".cu", ".cc"}


def read_rules(path):
    rules = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        module, sep, deps = line.partition(":")
        if not sep:
            sys.exit(f"{path}:{number}: error: expected 'module: deps', found '{line}'")
        rules[module.strip()] = set(deps.split())
    return rules


def owner(relative_path, folders):
    """The module whose folder holds `relative_path` (the longest match), or None."""
    parts = pathlib.PurePosixPath(relative_path).parts
    for n in range(len(parts) - 1, 0, -1):
        module = folders.get("/".join(parts[:n]))
        if module:
            return module
    return None


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rules = read_rules(pathlib.Path(sys.argv[1]))
    src = pathlib.Path(sys.argv[2])
    folders = {module.replace("_", "/"): module for module in rules}
    problems = 0
    for file in sorted(p for p in src.rglob("*") if p.suffix in SOURCES):
        relative = file.relative_to(src).as_posix()
        module = owner(relative, folders)
        if module is None:
            print(f"{file}: error: {relative.split('/')[0]}/ is not a module of MSPIPE_MODULE_DEPS")
            problems += 1
            continue
        for number, line in enumerate(file.read_text(errors="replace").splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            used = owner(match.group(1), folders)
            if used is None or used == module or used in rules[module]:
                continue
            allowed = " ".join(sorted(rules[module])) or "nothing"
            print(f'{file}:{number}: error: {module} may not include {used} ("{match.group(1)}"); '
                  f"{module} may use: {allowed}")
            problems += 1
    if problems:
        print(f"{problems} include(s) break the module rule (MSPIPE_MODULE_DEPS in cmake/MspipeTargets.cmake)")
        return 1
    print(f"module rule holds for every source under {src}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
