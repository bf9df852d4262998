#!/usr/bin/env python3
"""Summarises a SameDiff ProfilingListener trace (written by the profile programs): time per op type per step, and
per node (median over steps). Usage: ops.py TRACE.json STEPS"""
import collections
import json
import sys

text = open(sys.argv[1]).read().rstrip().rstrip(",")
events = [e for e in json.loads(text if text.endswith("]") else text + "]") if e.get("ph") == "X"]
steps = int(sys.argv[2])
by_type, calls, by_node = collections.Counter(), collections.Counter(), collections.defaultdict(list)
for e in events:
    by_type[e["name"]] += e["dur"]
    calls[e["name"]] += 1
    by_node[e["args"]["name"]].append(e["dur"])
total = sum(by_type.values()) / steps / 1e3
print(f"op time per step {total:.1f} ms over {len(events) // steps} ops")
for name, us in by_type.most_common(20):
    print(f"{name:28s} {us / steps / 1e3:8.2f} ms {100 * us / steps / 1e3 / total:5.1f}%  x{calls[name] // steps}")
print("-- nodes over 1 ms (median)")
for node, d in by_node.items():
    d = sorted(d)
    if d[len(d) // 2] > 1000:
        print(f"{node:40s} {d[len(d) // 2] / 1e3:8.2f} ms")
