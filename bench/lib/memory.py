"""Run inside an image by section 7 of `npm run bench`: the resident memory each import adds.
The module names come as arguments, in the order the server finished importing them
(PYTHONPROFILEIMPORTTIME's order), so a module's dependencies are in memory before it is.
One JSON object on stdout: top-level module -> bytes of resident memory its imports added."""

import importlib
import json
import os
import sys

# As uvicorn does (--app-dir .): the working directory, where the app is, comes first.
sys.path.insert(0, os.getcwd())


def resident():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


added = {}
for name in sys.argv[1:]:
    if name in sys.modules:
        continue
    before = resident()
    try:
        importlib.import_module(name)
    except BaseException:  # noqa: BLE001 - a module that will not import alone adds nothing here
        continue
    top = name.split(".")[0]
    added[top] = added.get(top, 0) + resident() - before
json.dump({"start": resident(), "added": added}, sys.stdout)
