#!/usr/bin/env python3
"""Comparisons for tests/wine/run (the Windows build under Wine).

same-json LINUX WINDOWS
    Two `--format json` documents of the same folder are equal, once the
    paths of the Windows one (`path`, `related`, and the paths a finding's
    `message` quotes) have their `\\` read as `/` (Windows joins the names
    it walks with `\\`). Every other value must be equal.

written ORIG WINDOWS LINUX ISRC BARCODE
    Three `inspect --format json` documents (by the Linux binary) of the
    same files: the originals, the copies the Windows binary wrote and the
    copies the Linux binary wrote. Each written file holds ISRC and BARCODE
    at every site, and its audio payload (offset and length from the
    reader) holds the same bytes as the original's.
"""
import json
import os
import sys


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


# Keys whose strings name paths (`message` quotes them).
PATH_KEYS = {"path", "related", "message"}


def unixify(doc, key=None):
    if isinstance(doc, dict):
        return {k: unixify(v, k) for k, v in doc.items()}
    if isinstance(doc, list):
        return [unixify(v, key) for v in doc]
    if isinstance(doc, str) and key in PATH_KEYS:
        return doc.replace("\\", "/")
    return doc


def same_json(lin, win):
    a = json.load(open(lin, encoding="utf-8"))
    a = unixify(a)  # (no `\\` in testdata's paths: a no-op, for symmetry)
    b = unixify(json.load(open(win, encoding="utf-8")))
    if a == b:
        n = len(a.get("files", []))
        print(f"same JSON from both binaries ({n} files): {os.path.basename(lin)}")
        return
    fa = {f["path"]: f for f in a.get("files", [])}
    fb = {f["path"]: f for f in b.get("files", [])}
    for p in sorted(set(fa) | set(fb)):
        if fa.get(p) != fb.get(p):
            fail(f"{p} differs:\nLinux:   {json.dumps(fa.get(p))[:800]}\nWindows: {json.dumps(fb.get(p))[:800]}")
    for k in a:
        if a[k] != b.get(k):
            fail(f"{k} differs:\nLinux:   {json.dumps(a[k])[:800]}\nWindows: {json.dumps(b.get(k))[:800]}")
    fail("documents differ")


def payload(path, audio):
    with open(path, "rb") as f:
        f.seek(audio["payload_offset"])
        return f.read(audio["payload_len"])


def written(orig, win, lin, isrc, barcode):
    docs = [json.load(open(p, encoding="utf-8")) for p in (orig, win, lin)]
    by_name = [{os.path.basename(f["path"]): f for f in d["files"]} for d in docs]
    names = sorted(by_name[0])
    if not names or any(sorted(b) != names for b in by_name[1:]):
        fail(f"not the same files: {[sorted(b) for b in by_name]}")
    for name in names:
        o = by_name[0][name]
        for side, b in (("Windows", by_name[1]), ("Linux", by_name[2])):
            f = b[name]
            if f["status"] != "ok":
                fail(f"{side}-written {name} reads as {f['status']}: {f['error']}")
            got = {c["kind"]: set() for c in f["codes"]}
            for c in f["codes"]:
                got[c["kind"]].add(c["value"])
            if got.get("isrc") != {isrc}:
                fail(f"{side}-written {name}: ISRC sites hold {got.get('isrc')}")
            # Containers where a barcode is written hold only that one.
            if "barcode" in got and got["barcode"] != {barcode}:
                fail(f"{side}-written {name}: barcode sites hold {got['barcode']}")
            if o["audio"] is None or f["audio"] is None:
                fail(f"{name}: no audio properties")
            a, b2 = payload(o["path"], o["audio"]), payload(f["path"], f["audio"])
            if not a or a != b2:
                fail(f"{side}-written {name}: the audio payload differs from the original's")
    print(f"{len(names)} files: the codes read back on Linux, audio payload identical to the original's")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "same-json":
        same_json(*args)
    elif cmd == "written":
        written(*args)
    else:
        fail(f"unknown command {cmd}")
