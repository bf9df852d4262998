#!/usr/bin/env python3
"""Speed side by side at growing codebook sizes: vqtok against the PyTorch reference and FAISS, one after the other
in one run, as ratios (the machine is shared and noisy: never compare figures from different runs).

    python3 scripts/bench-scale.py [--steps 60] [--sizes 512,2048,8192,16384,65536] [--reference-sizes 512,2048,8192]

Writes bench/scale.json and the table between <!-- bench:scale --> markers in BENCHMARKS.md.
FLOPs per image (multiply-add = 2): training = 3 x the autoencoder's forward convolutions (forward + backward) + one
more encoder forward (vqtok computes the assignment outside the graph; the reference inside its forward) + the
distance products 2*h*w*K*D; encoding = encoder forward + 2*h*w*K*D. Peak = the best single-precision matrix product
measured in the same run (`vqtok bench search --peak`)."""
import argparse, json, os, re, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.environ.get("VQTOK_REFERENCE", os.path.join(ROOT, "..", "shared", "reference"))
H = W = 7
D = 64
# forward FLOPs per 28x28 image of the default image autoencoder (conv 4x4 s2 1->32, conv 4x4 s2 32->64, conv 3x3 64->D;
# mirror decoder): 2 * output positions * in * out * kernel area, per layer
ENC = 2 * (14 * 14 * 1 * 32 * 16 + 7 * 7 * 32 * 64 * 16 + 7 * 7 * 64 * D * 9)
DEC = 2 * (7 * 7 * D * 64 * 9 + 7 * 7 * 64 * 32 * 16 + 14 * 14 * 32 * 1 * 16)


def run(cmd, env=None):
    print("$ " + " ".join(cmd), file=sys.stderr, flush=True)
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-2000:])
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return json.loads([l for l in out.stdout.splitlines() if l.startswith("{")][-1])


def vqtok(*args):
    return run(["./vqtok", *args], env=dict(os.environ, VQTOK_SKIP_BUILD="1"))


def reference(k, steps):
    return run(["bash", os.path.join(REF, "run.sh"), "--quantizer", "ema", "--K", str(k), "--steps", str(steps)])


def faiss(k):
    env = dict(os.environ, LD_LIBRARY_PATH="/tmp/vqtok-ref-openblas/lib", OMP_WAIT_POLICY="passive")
    return run(["/usr/bin/python3", os.path.join(REF, "faiss_search.py"), str(k), str(D), "49000"], env=env)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--sizes", default="512,2048,8192,16384,65536")
    ap.add_argument("--reference-sizes", default="512,2048,8192")
    ap.add_argument("--search-sizes", default="512,8192,65536")
    ap.add_argument("--markdown", default=os.path.join(ROOT, "BENCHMARKS.md"))
    a = ap.parse_args()
    subprocess.run(["./vqtok", "--version"], cwd=ROOT, check=True, capture_output=True)   # builds if needed
    os.makedirs(os.path.join(ROOT, "bench"), exist_ok=True)
    subprocess.run(["bash", os.path.join(REF, "run.sh"), "--quantizer", "vq", "--steps", "1"], capture_output=True)  # unpacks OpenBLAS
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())

    search = []
    peak = 0.0
    for k in [int(x) for x in a.search_sizes.split(",")]:
        f = faiss(k)
        v = vqtok("bench", "search", "--codebook-size", str(k), "--dim", str(D), "--vectors", "49000", "--peak", "--json")
        peak = max(peak, v["sgemm_gflops"])
        search.append(dict(K=k, faiss=f["vectors_per_s"], vqtok=v["vectors_per_s"], ratio=v["vectors_per_s"] / f["vectors_per_s"],
                           vqtok_gflops=v["gflops"], faiss_gflops=f["gflops"]))

    scale = []
    refs = {int(x) for x in a.reference_sizes.split(",") if x}
    for k in [int(x) for x in a.sizes.split(",")]:
        row = dict(K=k)
        if k in refs:
            r = reference(k, a.steps)
            row.update(ref_train=r["train_img_per_s"], ref_encode=r["encode_img_per_s"])
        v = vqtok("train", "--quantizer", "ema", "--codebook-size", str(k), "--steps", str(a.steps), "--checkpoint-every", "0",
                  "--out", f"bench/scale-{k}.vqt", "--recon-png", f"bench/scale-{k}.png", "--json")
        row.update(train=v["train_img_per_s"], encode=v["encode_img_per_s"])
        search_flops = 2 * H * W * k * D
        row["train_gflop_per_img"] = (3 * (ENC + DEC) + ENC + search_flops) / 1e9
        row["encode_gflop_per_img"] = (ENC + search_flops) / 1e9
        scale.append(row)
        print(json.dumps(row), file=sys.stderr)

    doc = dict(started=started, steps=a.steps, sgemm_peak_gflops=peak, search=search, scale=scale)
    with open(os.path.join(ROOT, "bench", "scale.json"), "w") as f:
        json.dump(doc, f, indent=2)

    lines = [f"Measured {started}, one run; peak = best single-precision matrix product in that run: {peak:.0f} GFLOP/s.", "",
             "Exact nearest-code search, D=64, N=49,000 random vectors (vectors/s):", "",
             "| K | FAISS IndexFlatL2 | vqtok | vqtok / FAISS | vqtok GFLOP/s |", "|---|---|---|---|---|"]
    for s in search:
        lines.append(f"| {s['K']} | {s['faiss']:,} | {s['vqtok']:,} | **{s['ratio']:.2f}x** | {s['vqtok_gflops']:.0f} |")
    lines += ["", f"EMA tokenizer on Fashion-MNIST, batch 128, {a.steps} steps (img/s; fraction of peak in brackets):", "",
              "| K | reference train | vqtok train | train ratio | reference encode | vqtok encode | encode ratio |",
              "|---|---|---|---|---|---|---|"]
    for r in scale:
        fr_t = r["train"] * r["train_gflop_per_img"] / peak
        fr_e = r["encode"] * r["encode_gflop_per_img"] / peak
        if "ref_train" in r:
            lines.append(f"| {r['K']} | {r['ref_train']:.0f} | {r['train']:.0f} ({fr_t:.0%}) | **{r['train'] / r['ref_train']:.1f}x** | "
                         f"{r['ref_encode']:.0f} | {r['encode']:.0f} ({fr_e:.0%}) | **{r['encode'] / r['ref_encode']:.1f}x** |")
        else:
            lines.append(f"| {r['K']} | not run | {r['train']:.0f} ({fr_t:.0%}) | | not run | {r['encode']:.0f} ({fr_e:.0%}) | |")
    table = "\n".join(lines)
    print(table)
    md = open(a.markdown).read()
    begin, end = "<!-- bench:scale -->", "<!-- /bench:scale -->"
    section = begin + "\n" + table + "\n" + end
    if begin in md and end in md:
        md = md[:md.index(begin)] + section + md[md.index(end) + len(end):]
    else:
        md = md.rstrip() + "\n\n" + section + "\n"
    tmp = a.markdown + ".tmp"
    with open(tmp, "w") as f:
        f.write(md)
    os.replace(tmp, a.markdown)


if __name__ == "__main__":
    main()
