#!/usr/bin/env python3
"""Pivots the codebook-size sweep into one Markdown table: test utilization, test MSE and training img/s per
quantizer and K. Later files override earlier ones for the same quantizer and K.

   scripts/sweep-table.py bench/sweep.json [more.json ...]
"""
import json
import sys

cells, order, ks = {}, [], set()
for path in sys.argv[1:]:
    for r in json.load(open(path))["runs"]:
        if "error" in r:
            continue
        q, k = r["quantizer"], r["codebook_size"]
        if q not in order:
            order.append(q)
        ks.add(k)
        cells[(q, k)] = r
ks = sorted(k for k in ks if k in (512, 2048, 8192))
wanted = ["vq", "ema", "cvq", "simvq", "fsq", "sinkhorn"]
print("| quantizer | " + " | ".join(f"K={k}: utilization / MSE / img/s" for k in ks) + " |")
print("|---|" + "---|" * len(ks))
for q in [w for w in wanted if w in order]:
    row = []
    for k in ks:
        r = cells.get((q, k))
        row.append(f"{r['test']['utilization']:.3f} / {r['test']['mse']:.5f} / {r['train_img_per_s']:.0f}" if r else "")
    print(f"| {q} | " + " | ".join(row) + " |")
