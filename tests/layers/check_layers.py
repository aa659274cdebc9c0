#!/usr/bin/env python3
"""tests/layers/check_layers.py BUILD_DIR -- the layering, checked on the
objects the build made: which folder calls which (a symbol one folder uses
and another defines). A folder may use the ones below it; models/ may use
include/'s face (implemented in base, scenario and engine); nothing may
form a loop between two folders of sim/ -- calls back up go through the
ops tables, which no linker sees. Also: no source file over 800 lines."""
import glob, os, subprocess, sys

build = sys.argv[1]
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
floors = {"base": 0, "result": 1, "scenario": 1, "engine": 2, "report": 2, "exp": 3, "cli": 4}
defined, used = {}, {}
for obj in glob.glob(os.path.join(build, "CMakeFiles", "*.dir", "**", "*.o"), recursive=True):
    parts = obj.split(os.sep)
    if "sim" in parts and parts[parts.index("sim") + 1] in floors:
        folder = parts[parts.index("sim") + 1]
    elif "models" in parts:
        folder = "models"
    else:
        continue  # not a layer's object (a test, or a stale one)
    out = subprocess.run(["gcc-nm", obj], capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "TDRB":
            defined[f[2]] = (folder, f[1] == "T")
        elif len(f) == 2 and f[0] == "U":
            used.setdefault(folder, set()).add(f[1])
edges = {}
for folder, syms in used.items():
    for s in syms:
        d, is_call = defined.get(s, (None, False))
        # only calls make a loop: a table of a kind's ops, named by the
        # registry, is data (the kind is called through it)
        if d and d != folder and is_call:
            edges.setdefault((folder, d), set()).add(s)
fails = 0
for (a, b), syms in sorted(edges.items()):
    if a in floors and b in floors and floors[b] >= floors[a]:
        print(f"FAIL: sim/{a} calls up into sim/{b}: {', '.join(sorted(syms)[:5])}")
        fails += 1
    if (b, a) in edges and a < b:
        print(f"FAIL: sim/{a} and sim/{b} call each other: "
              f"{sorted(syms)[:3]} / {sorted(edges[(b, a)])[:3]}")
        fails += 1
    if a in floors and b == "models":
        print(f"FAIL: sim/{a} calls a kind directly, not through its ops: {sorted(syms)[:3]}")
        fails += 1
for f in glob.glob(os.path.join(root, "sim", "*", "*.[ch]")) + glob.glob(os.path.join(root, "models", "*.c")) + \
         glob.glob(os.path.join(root, "include", "scalesim", "*.h")):
    n = sum(1 for _ in open(f))
    if n > 800:
        print(f"FAIL: {os.path.relpath(f, root)} has {n} lines (at most 800)")
        fails += 1
print(f"{len(edges)} calls between folders checked; {fails} failure(s)")
for (a, b) in sorted(edges):
    print(f"  {a} -> {b}")
sys.exit(1 if fails else 0)
