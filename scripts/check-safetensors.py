#!/usr/bin/env python3
"""Reads a file written by `vqtok export` with NumPy only, exactly as README.md shows, and prints each tensor's
name, dtype, shape, float64 sum and CRC-32 of its bytes (compare with the Java side), plus the model's config.

    python3 scripts/check-safetensors.py model.safetensors
"""
import sys
import zlib

# --- as in README.md ("Weights for other tools") ---
import json, struct
import numpy as np

with open(sys.argv[1], "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]                   # header length
    header = json.loads(f.read(n))                          # tensor table; trailing space padding is valid JSON whitespace
    data = f.read()                                         # raw little-endian row-major tensor data
meta = header.pop("__metadata__")                           # format, formatVersion, config, provenance: all strings
config = json.loads(meta["config"])
dtypes = {"F32": "<f4", "F64": "<f8", "I32": "<i4", "I64": "<i8"}
arrays = {name: np.frombuffer(data[t["data_offsets"][0]:t["data_offsets"][1]], dtype=dtypes[t["dtype"]]).reshape(t["shape"])
          for name, t in header.items()}
# --- end of the README snippet ---

print(f"{sys.argv[1]}: header {n} bytes, {len(arrays)} tensors, {len(data)} data bytes; {meta['format']} format {meta['formatVersion']}; "
      f"quantizer {config['quantizer']['type']}; provenance {json.loads(meta['provenance'])['steps']} steps")
for name, a in arrays.items():
    print(f"{name}\t{header[name]['dtype']}\t{list(a.shape)}\tsum={a.sum(dtype=np.float64):.10g}\tcrc32={zlib.crc32(a.tobytes()):08x}")
