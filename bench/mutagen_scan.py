#!/usr/bin/python3
"""The mutagen peer for bench/compare.sh: walk folders, open every file with
mutagen.File, collect its ISRC and barcode values. What a label's Python
script would do.

    /usr/bin/python3 bench/mutagen_scan.py [--json] PATH...

Prints one summary line (files, audio files, files with an ISRC, files with
a barcode); with --json, every file's values as JSON on standard output.
"""

import json
import os
import sys

try:
    import mutagen
    from mutagen._vorbis import VComment
    from mutagen.id3 import ID3
except ImportError:  # pragma: no cover - environment problem
    sys.exit("mutagen_scan.py: mutagen is missing; run it with /usr/bin/python3")

BARCODE_KEYS = ("BARCODE", "UPC", "EAN")


def codes(tags):
    isrc, barcode = [], []
    if tags is None:
        return isrc, barcode
    if isinstance(tags, ID3):
        for fr in tags.getall("TSRC"):
            isrc += [str(t) for t in fr.text]
        for fr in tags.getall("TXXX"):
            key = fr.desc.upper()
            if key == "ISRC":
                isrc += [str(t) for t in fr.text]
            elif key in BARCODE_KEYS:
                barcode += [str(t) for t in fr.text]
    elif isinstance(tags, VComment):
        for k, v in tags:
            k = k.upper()
            if k == "ISRC":
                isrc.append(v)
            elif k in BARCODE_KEYS:
                barcode.append(v)
    else:  # MP4 and others with a dict-like interface
        for k, vals in tags.items():
            if not isinstance(k, str) or not k.startswith("----:"):
                continue
            name = k.rsplit(":", 1)[-1].upper()
            if name == "ISRC":
                isrc += [bytes(v).decode("utf-8", "replace") for v in vals]
            elif name in BARCODE_KEYS:
                barcode += [bytes(v).decode("utf-8", "replace") for v in vals]
    return isrc, barcode


def main():
    args = sys.argv[1:]
    as_json = "--json" in args
    paths = [a for a in args if a != "--json"]
    if not paths:
        sys.exit("usage: mutagen_scan.py [--json] PATH...")
    n_files = n_audio = n_isrc = n_barcode = 0
    out = []
    for root in paths:
        walk = os.walk(root) if os.path.isdir(root) else [(os.path.dirname(root), [], [os.path.basename(root)])]
        for d, dirs, names in walk:
            dirs.sort()
            for name in sorted(names):
                p = os.path.join(d, name)
                n_files += 1
                try:
                    f = mutagen.File(p)
                except Exception:
                    f = None
                if f is None:
                    continue
                n_audio += 1
                isrc, barcode = codes(f.tags)
                n_isrc += bool(isrc)
                n_barcode += bool(barcode)
                if as_json:
                    out.append({"path": p, "isrc": isrc, "barcode": barcode})
    if as_json:
        json.dump(out, sys.stdout)
        sys.stdout.write("\n")
    print(
        f"mutagen_scan: {n_files} files, {n_audio} audio, {n_isrc} with an ISRC, {n_barcode} with a barcode",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
