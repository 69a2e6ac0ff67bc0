"""Run inside an image by section 7 of `npm run bench`: what each installed distribution
takes on disk (its RECORD plus the bytecode compiled beside it), and which top-level
modules it provides. One JSON object on stdout."""

import json
import os
import sys
from importlib.metadata import distributions


def size_of(dist):
    seen = set()
    total = 0
    modules = set()
    for entry in dist.files or []:
        path = os.path.realpath(dist.locate_file(entry))
        if path in seen or not os.path.isfile(path):
            continue
        parts = entry.parts
        if parts and not parts[0].endswith((".dist-info", ".data")) and parts[0] != "..":
            name = parts[0].removesuffix(".py")
            if not name.endswith(".libs") and name != "__pycache__":
                modules.add(name.split(".")[0])
        seen.add(path)
        total += os.path.getsize(path)
        if path.endswith(".py"):
            # Bytecode compiled at install time is not always in RECORD.
            cache = os.path.join(os.path.dirname(path), "__pycache__")
            stem = os.path.basename(path)[:-3] + "."
            if os.path.isdir(cache):
                for pyc in os.listdir(cache):
                    full = os.path.join(cache, pyc)
                    if pyc.startswith(stem) and pyc.endswith(".pyc") and full not in seen:
                        seen.add(full)
                        total += os.path.getsize(full)
    return total, sorted(modules)


packages = []
for dist in distributions(path=[p for p in sys.path if p.startswith(sys.prefix) and p.endswith("-packages")]):
    size, modules = size_of(dist)
    packages.append({"name": dist.metadata["Name"], "version": dist.version, "bytes": size, "modules": modules})
json.dump(packages, sys.stdout)
