#!/usr/bin/python3
"""Write benchmark for `isrckit embed` / `set` (issue: safety must not cost
speed). Whole-process wall time, paired runs on fresh copies of one corpus.

    /usr/bin/python3 bench/embed.py [--files 300] [--runs 3] [--big-gb 2]

1. A few hundred masters in every container (bench/make_corpus.py): new
   codes for every file, `isrckit embed --manifest` (temp file, fsync,
   verification) against mutagen writing the same codes in place
   (bench/mutagen_write.py: no temp file, no fsync, no check). Target:
   isrckit at least as fast.
2. One large WAV (`--big-gb`): `isrckit set` against copying its bytes
   once (`cp`), both warm. Target: no more than one copy.
"""

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PY = "/usr/bin/python3"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def timed(cmd, **kw):
    kw.setdefault("stdout", subprocess.DEVNULL)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, **kw)
    return time.perf_counter() - t0


def isrckit_bin():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    return os.path.join(REPO, "target", "release", "isrckit")


def gtin(n):
    body = f"{12345000000 + n:011d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def manifest(corpus, out):
    """New codes for every audio file: one per recording, one per release."""
    report = subprocess.run(
        [isrckit_bin(), "inspect", "--format", "json", corpus], capture_output=True, check=False
    )
    doc = json.loads(report.stdout)
    isrcs, barcodes, rows = {}, {}, []
    for f in doc["files"]:
        if f["container"] is None:
            continue
        old_i = (f["distinct"]["isrc"] or [f["path"]])[0]
        old_b = (f["distinct"]["barcode"] or [os.path.dirname(f["path"])])[0]
        isrc = isrcs.setdefault(old_i, f"QZES6{26:02d}{len(isrcs) + 1:05d}")
        bc = barcodes.setdefault(old_b, gtin(len(barcodes) + 1))
        rows.append((os.path.relpath(f["path"], corpus), isrc, bc))
    with open(out, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["path", "isrc", "barcode"])
        w.writerows(rows)
    return len(rows)


def many(args, bin_):
    src = os.path.join(HERE, f".corpus-embed-{args.files}")
    if not os.path.isdir(src):
        log(f"== making corpus {src}")
        subprocess.run([PY, os.path.join(HERE, "make_corpus.py"), src, "--files", str(args.files), "--seed", "5"], check=True)
    codes = os.path.join(HERE, f".manifest-embed-{args.files}.csv")
    n = manifest(src, codes)
    ours, theirs = [], []
    with tempfile.TemporaryDirectory(dir=HERE) as tmp:
        for run in range(args.runs):
            a, b = os.path.join(tmp, f"a{run}"), os.path.join(tmp, f"b{run}")
            shutil.copytree(src, a)
            shutil.copytree(src, b)
            shutil.copy(codes, os.path.join(a, "codes.csv"))
            subprocess.run(["sync"], check=True)
            # Alternate who goes first, so neither always gets the warmer cache.
            pair = [("isrckit", lambda: timed([bin_, "embed", "--manifest", os.path.join(a, "codes.csv"), a])),
                    ("mutagen", lambda: timed([PY, os.path.join(HERE, "mutagen_write.py"), codes, b]))]
            if run % 2:
                pair.reverse()
            for name, fn in pair:
                (ours if name == "isrckit" else theirs).append(fn())
    o, t = statistics.median(ours), statistics.median(theirs)
    print(f"\n{n} masters, every container, new ISRC and barcode in each ({args.runs} paired runs, median):")
    print(f"  isrckit embed (verified, synced)          {o:7.2f} s   {n / o:8.0f} files/s")
    print(f"  mutagen in place (no temp, no check)      {t:7.2f} s   {n / t:8.0f} files/s")
    print(f"  ratio: isrckit is {t / o:.2f}x mutagen's speed   target >= 1.0: {'PASS' if o <= t else 'FAIL'}")


def big(args, bin_):
    size = int(args.big_gb * (1 << 30))
    with tempfile.TemporaryDirectory(dir=HERE) as tmp:
        wav = os.path.join(tmp, "big.wav")
        data = size - 44
        with open(wav, "wb") as f:
            f.write(b"RIFF" + (size - 8).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little"))
            f.write(bytes([1, 0, 2, 0]) + (48000).to_bytes(4, "little") + (192000).to_bytes(4, "little") + bytes([4, 0, 16, 0]))
            f.write(b"data" + data.to_bytes(4, "little"))
            block = bytes(range(256)) * 4096
            left = data
            while left:
                n = min(left, len(block))
                f.write(block[:n])
                left -= n
        subprocess.run(["sync"], check=True)
        timed(["cat", wav])  # warm the cache
        cp = timed(["cp", wav, wav + ".copy"])
        os.remove(wav + ".copy")
        first = timed([bin_, "set", "--isrc", "USRC17607839", "--barcode", "075678164125", wav])
        again = timed([bin_, "set", "--isrc", "GBAYE6800011", wav])
        print(f"\none {args.big_gb:g} GiB WAV, warm cache:")
        print(f"  cp (one copy of the bytes)                      {cp:7.2f} s")
        print(f"  isrckit set, new ID3 chunk                      {first:7.2f} s   {first / cp:.2f}x a copy")
        print(f"  isrckit set, same-length code (in place)        {again:7.2f} s   {again / cp:.2f}x a copy")
        print(f"  target: no more than one copy: {'PASS' if max(first, again) <= cp * 1.05 else 'FAIL'}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--big-gb", type=float, default=2.0)
    ap.add_argument("--skip-big", action="store_true")
    args = ap.parse_args()
    bin_ = isrckit_bin()
    many(args, bin_)
    if not args.skip_big:
        big(args, bin_)


if __name__ == "__main__":
    main()
