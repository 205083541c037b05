"""Cross-checks the Java safetensors code against numpy (no torch or safetensors needed).

Usage: python3 safetensors_crosscheck.py DIR

DIR holds, written by SafetensorsCrossCheckTest:
  values.f32                 raw little-endian float32 source values
  f32/f16/bf16.safetensors   tensor "x" = values (shape [n]) written by Java in each dtype
This script checks the header layout (8-byte length, space padding to 8, __metadata__
{"format": "pt"}, contiguous offsets in sorted name order) and that F16 equals numpy's
astype(float16) and BF16 equals round-to-nearest-even of the float32 bits.
It then writes DIR/python.safetensors (F16 "h" [2, n/2] and BF16 "b" [n]) and
DIR/python_expected.f32 (their float32 values, h then b) for Java to read back.
Prints OK and exits 0 on success, prints the first mismatch and exits 1 otherwise.
"""
import json
import struct
import sys

import numpy as np


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    raw = data[8 : 8 + n]
    if n % 8 != 0:
        fail(f"{path}: header length {n} is not a multiple of 8")
    text = raw.decode("utf-8")
    if len(text) - len(text.rstrip(" ")) >= 8:
        fail(f"{path}: header padded with more than 7 spaces")
    header = json.loads(text)
    if header.pop("__metadata__", None) != {"format": "pt"}:
        fail(f"{path}: __metadata__ is not {{'format': 'pt'}}")
    names = sorted(header)
    end = 0
    for name in names:
        begin, stop = header[name]["data_offsets"]
        if begin != end:
            fail(f"{path}: {name} starts at {begin}, expected {end}")
        end = stop
    if 8 + n + end != len(data):
        fail(f"{path}: file has {len(data)} bytes, header implies {8 + n + end}")
    body = data[8 + n :]
    out = {}
    for name in names:
        e = header[name]
        b, s = e["data_offsets"]
        chunk = body[b:s]
        if e["dtype"] == "F32":
            arr = np.frombuffer(chunk, dtype="<f4")
        elif e["dtype"] == "F16":
            arr = np.frombuffer(chunk, dtype="<f2")
        elif e["dtype"] == "BF16":
            arr = np.frombuffer(chunk, dtype="<u2")
        else:
            fail(f"{path}: unexpected dtype {e['dtype']}")
        out[name] = (e["dtype"], e["shape"], arr)
    return out


def bf16_rne(values):
    bits = values.view("<u4").astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def same(a_bits, b_bits, floats_a, floats_b, what):
    nan = np.isnan(floats_a) & np.isnan(floats_b)
    bad = (a_bits != b_bits) & ~nan
    if bad.any():
        i = int(np.argmax(bad))
        fail(f"{what}: index {i}: got 0x{int(a_bits[i]):x}, numpy gives 0x{int(b_bits[i]):x}")


def fail(msg):
    print("MISMATCH " + msg)
    sys.exit(1)


def write(path, tensors):
    header = {"__metadata__": {"format": "pt"}}
    offset = 0
    blobs = []
    for name in sorted(tensors):
        dtype, shape, raw = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main(d):
    values = np.fromfile(f"{d}/values.f32", dtype="<f4")
    f32 = read(f"{d}/f32.safetensors")["x"]
    same(f32[2].view("<u4"), values.view("<u4"), f32[2], values, "F32")
    with np.errstate(over="ignore"):
        want16 = values.astype(np.float16)
    f16 = read(f"{d}/f16.safetensors")["x"]
    same(f16[2].view("<u2"), want16.view("<u2"), f16[2].astype(np.float32), want16.astype(np.float32), "F16")
    bf = read(f"{d}/bf16.safetensors")["x"]
    want_bf = bf16_rne(values)
    widen = lambda u: (u.astype(np.uint32) << 16).view("<f4")
    same(bf[2], want_bf, widen(bf[2]), widen(want_bf), "BF16")

    half = len(values) // 2
    h = values[: 2 * half].astype(np.float16).reshape(2, half)
    b = bf16_rne(values)
    write(
        f"{d}/python.safetensors",
        {"h": ("F16", [2, half], h.tobytes()), "b": ("BF16", [len(values)], b.tobytes())},
    )
    np.concatenate([h.astype(np.float32).ravel(), widen(b)]).astype("<f4").tofile(f"{d}/python_expected.f32")
    print("OK")


if __name__ == "__main__":
    with np.errstate(invalid="ignore", over="ignore"):
        main(sys.argv[1])
