#!/usr/bin/python3
"""Check a corpus made by make_corpus.py against its truth.json with an
independent reference audit, so a wrong plant is caught before it is blamed
on isrckit.

    /usr/bin/python3 bench/verify_corpus.py OUT                  # reads with mutagen
    isrckit inspect --format json OUT > codes.json
    /usr/bin/python3 bench/verify_corpus.py OUT --inspect-json codes.json

The first form reads every file with mutagen (a reader that shares no code
with isrckit or with the planting); the second applies the same reference
rules to what `isrckit inspect` read, which checks isrckit's readers on the
corpus. Exit status 0 when the findings equal truth.json's, 1 otherwise
(the differences are printed).

The reference rules are the semantics bench/README.md states; they are a
check on the corpus, not a second implementation of isrckit's audit.
"""

import argparse
import json
import os
import re
import sys
from collections import defaultdict

ISRC_SHAPE = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
BARCODE_KEYS = {"BARCODE", "UPC", "EAN"}
DUP_SECONDS = 3.0


def load_countries():
    """ISO 3166-1 alpha-2 plus ISRC agency prefixes, from isrckit's table when
    the repository is beside this script, else a fallback that covers the
    corpus (every prefix it uses; XX is not a country)."""
    here = os.path.dirname(os.path.abspath(__file__))
    tsv = os.path.join(here, "..", "src", "codes", "isrc_countries.tsv")
    try:
        with open(tsv) as f:
            return {line.split("\t", 1)[0] for line in f if re.match(r"^[A-Z]{2}\t", line)}
    except OSError:
        return {"US", "GB", "FR", "DE", "NL", "QM", "JP", "QZ", "QT", "GX", "UK", "ZZ"}


COUNTRIES = load_countries()


def parse_isrc(raw):
    """(normalised or None, canonical)."""
    s = raw.strip().strip("\0")
    t = s
    if t[:4].upper() == "ISRC":
        t = t[4:].lstrip(" :")
    t = t.replace("-", "").replace(" ", "").upper()
    if not ISRC_SHAPE.match(t) or t[:2] not in COUNTRIES:
        return None, False
    if len(set(t)) == 1 or t[2:] == "0000000000":
        return None, False
    return t, s == t


def gtin_check(body):
    total = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def parse_barcode(raw):
    s = raw.strip().strip("\0")
    if not s.isdigit() or len(s) not in (12, 13) or len(set(s)) == 1:
        return None
    if gtin_check(s[:-1]) != int(s[-1]):
        return None
    return s.zfill(13)


class Rec:
    def __init__(self, path):
        self.path = path
        self.audio = False
        self.isrc_raw = []
        self.barcode_raw = []
        self.title = None
        self.duration = None


def read_mutagen(root, rel):
    import mutagen
    from mutagen._vorbis import VComment
    from mutagen.id3 import ID3

    rec = Rec(rel)
    try:
        f = mutagen.File(os.path.join(root, rel))
    except Exception:
        f = None
    if f is None:
        return rec
    rec.audio = True
    rec.duration = getattr(f.info, "length", None)
    tags = f.tags
    if tags is None:
        return rec
    if isinstance(tags, ID3):
        for fr in tags.getall("TSRC"):
            rec.isrc_raw += [str(t) for t in fr.text]
        for fr in tags.getall("TXXX"):
            key = fr.desc.upper()
            if key == "ISRC":
                rec.isrc_raw += [str(t) for t in fr.text]
            elif key in BARCODE_KEYS:
                rec.barcode_raw += [str(t) for t in fr.text]
        if tags.getall("TIT2"):
            rec.title = str(tags.getall("TIT2")[0].text[0])
    elif isinstance(tags, VComment):  # FLAC
        for k, v in tags:
            k = k.upper()
            if k == "ISRC":
                rec.isrc_raw.append(v)
            elif k in BARCODE_KEYS:
                rec.barcode_raw.append(v)
            elif k == "TITLE" and rec.title is None:
                rec.title = v
    else:  # MP4
        for k, vals in tags.items():
            if k.startswith("----:com.apple.iTunes:"):
                name = k.split(":", 2)[2].upper()
                texts = [bytes(v).decode("utf-8", "replace") for v in vals]
                if name == "ISRC":
                    rec.isrc_raw += texts
                elif name in BARCODE_KEYS:
                    rec.barcode_raw += texts
            elif k == "\xa9nam":
                rec.title = str(vals[0])
    return rec


def read_inspect(root, doc):
    recs = []
    for f in doc["files"]:
        rel = os.path.relpath(f["path"], root).replace(os.sep, "/")
        rec = Rec(rel)
        rec.audio = f.get("container") is not None
        rec.title = f.get("title")
        if f.get("audio") and f["audio"].get("duration_ms") is not None:
            rec.duration = f["audio"]["duration_ms"] / 1000
        for c in f.get("codes", []):
            (rec.isrc_raw if c["kind"] == "isrc" else rec.barcode_raw).append(c["raw"])
        recs.append(rec)
    return recs


def audit(recs):
    out = set()
    audio = [r for r in recs if r.audio]
    for r in audio:
        r.isrcs = sorted({n for n, _ in map(parse_isrc, r.isrc_raw) if n})
        r.barcodes = sorted({b for b in map(parse_barcode, r.barcode_raw) if b})
        r.folder = os.path.dirname(r.path)
        parsed = [parse_isrc(x) for x in r.isrc_raw]
        if not r.isrc_raw:
            out.add(("isrc-missing", r.path))
        if any(n is None for n, _ in parsed):
            out.add(("isrc-invalid", r.path))
        if any(n is not None and not canon for n, canon in parsed):
            out.add(("isrc-noncanonical", r.path))
        if len(r.isrcs) > 1:
            out.add(("isrc-conflict", r.path))
        if not r.barcode_raw:
            out.add(("barcode-missing", r.path))
        if any(parse_barcode(x) is None for x in r.barcode_raw):
            out.add(("barcode-invalid", r.path))
        if len(r.barcodes) > 1:
            out.add(("barcode-conflict", r.path))

    # isrc-duplicate: one ISRC on two recordings (title differs, or lengths
    # differ by DUP_SECONDS or more).
    by_isrc = defaultdict(list)
    for r in audio:
        for i in r.isrcs:
            by_isrc[i].append(r)

    def same_recording(a, b):
        ta, tb = (a.title or "").casefold(), (b.title or "").casefold()
        if ta and tb and ta != tb:
            return False
        if a.duration is not None and b.duration is not None and abs(a.duration - b.duration) >= DUP_SECONDS:
            return False
        return True

    for group in by_isrc.values():
        if len(group) > 1 and any(not same_recording(group[0], g) for g in group[1:]):
            for g in group:
                out.add(("isrc-duplicate", g.path))

    # Releases are folders.
    folders = defaultdict(list)
    for r in audio:
        folders[r.folder].append(r)
    for rs in folders.values():
        sets = {tuple(r.barcodes) for r in rs if r.barcodes}
        if len(sets) > 1:
            for r in rs:
                if r.barcodes:
                    out.add(("barcode-inconsistent", r.path))
    # barcode-shared and barcode-subset: folders carrying one barcode. A
    # file's recording is known by its ISRCs (without one, by its title);
    # folder A is within folder B when each of A's known recordings is on a
    # file of B with that ISRC (or title) that is the same recording. Two
    # folders each within the other are one release; a folder within
    # another is barcode-subset; folders neither within the other are
    # barcode-shared.
    def fold(t):
        return " ".join(t.split()).lower() if t else None

    def holds(b, a):
        if a.isrcs:
            key = bool(set(a.isrcs) & set(b.isrcs))
        else:
            key = fold(a.title) is not None and fold(a.title) == fold(b.title)
        return key and same_recording(a, b)

    def within(fa, fb):
        known = [a for a in folders[fa] if a.isrcs or fold(a.title)]
        return bool(known) and all(any(holds(b, a) for b in folders[fb]) for a in known)

    by_barcode = defaultdict(set)
    for folder, rs in folders.items():
        for r in rs:
            for b in r.barcodes:
                by_barcode[b].add(folder)
    for b, fs in by_barcode.items():
        fs = sorted(fs)
        if len(fs) < 2:
            continue
        w = {(x, y): within(x, y) for x in fs for y in fs if x != y}
        group = {f: f for f in fs}

        def root(f):
            while group[f] != f:
                f = group[f]
            return f

        for x in fs:
            for y in fs:
                if x < y and w[x, y] and w[y, x]:
                    group[root(x)] = root(y)
        for f in fs:
            others = [g for g in fs if root(g) != root(f)]
            shared = any(not w[f, g] and not w[g, f] for g in others)
            subset = any(w[f, g] for g in others)
            for r in folders[f]:
                if b in r.barcodes:
                    if shared:
                        out.add(("barcode-shared", r.path))
                    if subset:
                        out.add(("barcode-subset", r.path))
    return out, len(recs), len(audio)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--inspect-json", help="apply the rules to `isrckit inspect --format json OUT` output")
    args = ap.parse_args()
    root = os.path.abspath(args.out)
    with open(os.path.join(root, "truth.json")) as f:
        truth = json.load(f)
    if args.inspect_json:
        with open(args.inspect_json) as f:
            recs = read_inspect(root, json.load(f))
    else:
        recs = []
        for d, _, names in os.walk(root):
            for n in names:
                recs.append(read_mutagen(root, os.path.relpath(os.path.join(d, n), root).replace(os.sep, "/")))
    got, n_files, n_audio = audit(recs)
    want = {(x["rule"], x["path"]) for x in truth["findings"]}
    ok = True
    if (n_files, n_audio) != (truth["files"], truth["audio"]):
        print(f"counts: read files={n_files} audio={n_audio}, truth files={truth['files']} audio={truth['audio']}")
        ok = False
    for rule, path in sorted(want - got):
        print(f"missing  {rule:22} {path}")
        ok = False
    for rule, path in sorted(got - want):
        print(f"extra    {rule:22} {path}")
        ok = False
    reader = "isrckit inspect" if args.inspect_json else "mutagen"
    print(f"verify_corpus ({reader}): {len(got & want)} of {len(want)} findings matched, "
          f"{len(want - got)} missing, {len(got - want)} extra; {n_files} files, {n_audio} audio")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
