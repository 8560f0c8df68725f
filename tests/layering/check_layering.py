#!/usr/bin/env python3
"""Fails if a file under src/<module>/ includes a header of a module it does not depend on."""
import pathlib
import re
import sys

spec_path, src = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
deps = {}
for line in spec_path.read_text().splitlines():
    if not line.strip():
        continue
    name, _, rest = line.partition(":")
    deps[name] = [d for d in rest.split(";") if d]


def closure(module, seen=None):
    seen = set() if seen is None else seen
    for d in deps.get(module, []):
        if d not in seen:
            seen.add(d)
            closure(d, seen)
    return seen


include = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"', re.M)
violations = []
checked = 0
for module_dir in sorted(p for p in src.iterdir() if p.is_dir()):
    module = module_dir.name
    if module not in deps:
        violations.append(f"src/{module}/ is not a module declared with nta_add_module")
        continue
    allowed = closure(module) | {module}
    for f in sorted(module_dir.rglob("*")):
        if f.suffix not in (".h", ".cpp"):
            continue
        for target in include.findall(f.read_text()):
            checked += 1
            if target not in allowed:
                violations.append(f"{f.relative_to(src.parent)} includes {target}/, "
                                  f"but {module} depends only on {sorted(allowed - {module})}")
print(f"checked {checked} includes in {len(deps)} modules")
for v in violations:
    print("layering violation:", v)
sys.exit(1 if violations else 0)
