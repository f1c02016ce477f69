#!/usr/bin/python3
"""DDP images for testdata/cd/ddp/ (see make_cd.sh), built with the field
layout of ../ddp/make_ddp.py (docs/ddp.md). Each image is the disc of
testdata/cd/masters/ (1.00 s, 1.60 s, 2.00 s; ISRCs GBAYE2600001-3; UPC/EAN
0724384960650) with a 1-second pregap before track 2, or that disc with one
planted mismatch:

  clean            agrees with the masters
  isrc_mismatch    track 2's ISRC is GBAYE2600099 in every site
  barcode_mismatch the disc's UPC/EAN is 0075678164125 in every site
  barcode_disagree DDPID holds 0075678164125, PQ and CD-TEXT the right one
  track_count      only tracks 1 and 2
  track_order      tracks 2 and 3 swapped (codes and lengths)
  track_length     track 3 is 1.50 s long, not 2.00 s
  isrc_duplicate   track 3 carries track 2's ISRC (disc alone: duplicate)
  late_code        track 3 has no ISRC (the README's CD-master workflow:
                   its code came after the image was made)
"""

import os
import shutil
import sys

sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "ddp"))
import make_ddp as d  # noqa: E402

UPC = "0724384960650"
OTHER = "0075678164125"
ISRCS = ["GBAYE2600001", "GBAYE2600002", "GBAYE2600003"]
TITLES = ["Album", "One", "Two", "Three"]
LENGTHS = [75, 120, 150]  # frames: 1.00 s, 1.60 s, 2.00 s


def msf(frames):
    return frames // 4500, frames // 75 % 60, frames % 75


def pq_stream(isrcs, lengths, upc):
    """Lead-in entry with the UPC/EAN; track 1 at 00:02:00; a 1-second
    pregap (index 00) before track 2; each track's ISRC on its first entry;
    the lead-out after the last track."""
    v = d.pq("00", "00", 0, 0, 0, upc=upc)
    at = 150
    for n, (isrc, length) in enumerate(zip(isrcs, lengths), 1):
        if n == 2:
            v += d.pq("02", "00", *msf(at), isrc=isrc)
            at += 75
            v += d.pq("02", "01", *msf(at))
        else:
            v += d.pq("%02d" % n, "01", *msf(at), isrc=isrc)
        at += length
    v += d.pq("AA", "01", *msf(at))
    return v


def image(name, isrcs=ISRCS, lengths=LENGTHS, upc=UPC, id_upc=None, titles=TITLES):
    n = len(isrcs)
    files = {"DDPID": d.ddpid("DDP 2.00", id_upc or upc), "IMAGE.DAT": b"\0" * d.SECTOR}
    ms = d.packet("D0", n, cdm="DA", name="IMAGE.DAT", dss="00000000")
    pqs = pq_stream(isrcs, lengths, upc)
    ms += d.packet("S0", len(pqs), sub="PQ DESCR", name="PQDESCR")
    files["PQDESCR"] = pqs
    ct = d.cdtext(titles[: n + 1], upc, isrcs)
    ms += d.packet("S0", len(ct), sub="CDTEXT", name="CDTEXT.BIN")
    files["CDTEXT.BIN"] = ct
    files["DDPMS"] = ms
    out = os.path.join(HERE, "ddp", name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    for fname, data in files.items():
        with open(os.path.join(out, fname), "wb") as fh:
            fh.write(data)


def main():
    image("clean")
    image("isrc_mismatch", isrcs=[ISRCS[0], "GBAYE2600099", ISRCS[2]])
    image("barcode_mismatch", upc=OTHER)
    image("barcode_disagree", id_upc=OTHER)
    image("track_count", isrcs=ISRCS[:2], lengths=LENGTHS[:2])
    image("track_order", isrcs=[ISRCS[0], ISRCS[2], ISRCS[1]],
          lengths=[LENGTHS[0], LENGTHS[2], LENGTHS[1]],
          titles=["Album", "One", "Three", "Two"])
    image("track_length", lengths=[75, 120, 112])
    image("isrc_duplicate", isrcs=[ISRCS[0], ISRCS[1], ISRCS[1]])
    image("late_code", isrcs=[ISRCS[0], ISRCS[1], ""])


if __name__ == "__main__":
    main()
