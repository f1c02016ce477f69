#!/usr/bin/python3
"""The peer of `isrckit embed` in bench/embed.py: mutagen writing the same
codes into the same files, in place (no temp file, no fsync, no check).

    /usr/bin/python3 bench/mutagen_write.py MANIFEST.csv ROOT

MANIFEST is the `path,isrc,barcode` CSV bench/embed.py writes.
"""

import csv
import os
import sys

import mutagen
import mutagen.flac
import mutagen.id3 as id3
import mutagen.mp4


def write(path, isrc, barcode):
    f = mutagen.File(path)
    if isinstance(f, mutagen.flac.FLAC):
        f["ISRC"] = [isrc]
        f["BARCODE"] = [barcode]
    elif isinstance(f, mutagen.mp4.MP4):
        f["----:com.apple.iTunes:ISRC"] = [mutagen.mp4.MP4FreeForm(isrc.encode())]
        f["----:com.apple.iTunes:BARCODE"] = [mutagen.mp4.MP4FreeForm(barcode.encode())]
    else:  # WAV, AIFF, MP3: ID3v2
        if f.tags is None:
            f.add_tags()
        f.tags.setall("TSRC", [id3.TSRC(encoding=3, text=[isrc])])
        f.tags.setall("TXXX:BARCODE", [id3.TXXX(encoding=3, desc="BARCODE", text=[barcode])])
    f.save()


def main():
    manifest, root = sys.argv[1], sys.argv[2]
    n = 0
    with open(manifest, newline="") as fh:
        for row in csv.DictReader(fh):
            write(os.path.join(root, row["path"]), row["isrc"], row["barcode"])
            n += 1
    print(f"mutagen wrote {n} files", file=sys.stderr)


if __name__ == "__main__":
    main()
