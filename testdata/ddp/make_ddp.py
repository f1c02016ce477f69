#!/usr/bin/python3
"""Write the small DDP images under testdata/ddp/ (deterministic).

No DDP authoring tool is packaged here, so the images are built from the
layout in docs/ddp.md: fixed-width ASCII fields at fixed offsets in DDPID
(128 bytes), DDPMS (128-byte "VVVM" map packets), the PQ descriptor stream
(64-byte "VVVS" entries) and CD-TEXT (18-byte packs with a CRC). The audio
stream, IMAGE.DAT, is one CD sector (2352 bytes) of silence per track, and
the PQ times agree with it (track 1 at 00:02:00, one frame per track).

Run from anywhere: /usr/bin/python3 testdata/ddp/make_ddp.py
"""

import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
SECTOR = 2352


def pad(s, n):
    b = s.encode("ascii")
    assert len(b) <= n, (s, n)
    return b + b" " * (n - len(b))


def ddpid(level, upc, master_id="ISRCKIT TEST MASTER"):
    """DDPID: level 0-7, UPC/EAN 8-20, MSS 21-28, MSL 29-36, MED 37,
    MID 38-85, then (2.00) BK 86, TYPE 87-88, NSIDE 89, SIDE 90, NLAYER 91,
    LAYER 92, TXT size 93-94, TXT 95-127; (1.01) TXT size 86-87, TXT 88-127."""
    v = pad(level, 8) + pad(upc, 13) + pad("", 8) + pad("", 8) + b" " + pad(master_id, 48)
    if level == "DDP 2.00":
        v += b" " + b"DA" + b"1" + b"1" + b"1" + b"0" + b"00"
    else:
        v += b"00"
    v += b" " * (128 - len(v))
    assert len(v) == 128
    return v


def packet(dst, dsl, sub="", cdm="", trk="", idx="", isrc="", name="", dss="", level="DDP 2.00"):
    """A DDPMS map packet (128 bytes): VVVM 0-3, DST 4-5, DSP 6-13, DSL
    14-21, DSS 22-29, SUB 30-37, CDM 38-39, SSM 40, SCR 41, PRE1 42-45,
    PRE2 46-49, PST 50-53, MED 54, TRK 55-56, IDX 57-58, ISRC 59-70, SIZ
    71-73, DSI 74-90, then (2.00 only) NEW 91, PRE1NXT 92-95, PAUSEADD
    96-103, OFS 104-112, pad."""
    v = b"VVVM" + pad(dst, 2) + pad("", 8) + pad("%08d" % dsl if dsl is not None else "", 8)
    v += pad(dss, 8) + pad(sub, 8) + pad(cdm, 2) + b"0" + b"N"
    v += pad("", 4) + pad("", 4) + pad("", 4) + b" " + pad(trk, 2) + pad(idx, 2)
    v += pad(isrc, 12) + pad("%03d" % len(name), 3) + pad(name, 17)
    assert len(v) == 91, len(v)
    v += b" " * (128 - len(v))
    return v


def pq(trk, idx, m, s, f, isrc="", upc="", cb1="01"):
    """A PQ descriptor entry (64 bytes): VVVS 0-3, TRK 4-5 (AA = lead-out),
    IDX 6-7, HRS 8-9, MIN 10-11, SEC 12-13, FRM 14-15, CB1 16-17, CB2
    18-19, ISRC 20-31, UPC/EAN 32-44, TXT 45-63."""
    v = b"VVVS" + pad(trk, 2) + pad(idx, 2) + pad("", 2)
    v += pad("%02d" % m, 2) + pad("%02d" % s, 2) + pad("%02d" % f, 2)
    v += pad(cb1, 2) + pad("", 2) + pad(isrc, 12) + pad(upc, 13)
    v += b" " * (64 - len(v))
    assert len(v) == 64
    return v


def crc(data):
    """CRC-16, polynomial 0x1021, initial 0, not reflected; stored inverted."""
    c = 0
    for b in data:
        c ^= b << 8
        for _ in range(8):
            c = ((c << 1) ^ 0x1021) if c & 0x8000 else (c << 1)
            c &= 0xFFFF
    return c ^ 0xFFFF


def packs(ty, strings, seq):
    """CD-TEXT packs of one type in block 0: the strings (disc first, then
    tracks) NUL-terminated, cut into 12-byte payloads. Each pack says the
    track its first byte belongs to and how many characters of that
    track's string come before it (bits 0-3 of byte 3, at most 15)."""
    text = b""
    starts = []
    for s in strings:
        starts.append(len(text))
        text += s.encode("ascii") + b"\0"
    out = b""
    for i in range(0, len(text), 12):
        chunk = text[i:i + 12]
        chunk += b"\0" * (12 - len(chunk))
        track = max(t for t, st in enumerate(starts) if st <= i)
        pos = min(i - starts[track], 15)
        head = bytes([ty, track, seq, pos])
        body = head + chunk
        c = crc(body)
        out += body + bytes([c >> 8, c & 0xFF])
        seq += 1
    return out, seq


def cdtext(titles, upc, isrcs):
    """Title packs (0x80) then ISRC packs (0x8E): the reader must skip the
    first and read the second."""
    a, seq = packs(0x80, titles, 0)
    b, _ = packs(0x8E, [upc] + isrcs, seq)
    return a + b


def write(name, files):
    d = os.path.join(HERE, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for fname, data in files.items():
        with open(os.path.join(d, fname), "wb") as fh:
            fh.write(data)


UPC = "0724384960650"
OTHER_UPC = "0075678164125"
ISRCS = ["GBAYE6800011", "GBAYE6800012", "GBAYE6800013"]
TITLES = ["Test Album", "One", "Two", "Three"]


def pq_stream(isrcs, upc, level="DDP 2.00"):
    """Lead-in entry with the UPC/EAN, one entry per track at index 01 (track
    2 also has an index 00), the ISRC on each track's first entry, and the
    lead-out. Track n starts at 00:02:(n-1) frames."""
    v = pq("00", "00", 0, 0, 0, upc=upc)
    for n, isrc in enumerate(isrcs, 1):
        if n == 2:
            v += pq("02", "00", 0, 2, n - 1, isrc=isrc)
            v += pq("02", "01", 0, 2, n - 1)
        else:
            v += pq("%02d" % n, "01", 0, 2, n - 1, isrc=isrc)
    v += pq("AA", "01", 0, 2, len(isrcs))
    return v


def image(level="DDP 2.00", upc=UPC, pq_upc=UPC, pq_isrcs=ISRCS, ms_isrcs=None,
          text=True, ct_upc=UPC, ct_isrcs=ISRCS):
    n = len(ISRCS)
    files = {"DDPID": ddpid(level, upc), "IMAGE.DAT": b"\0" * (SECTOR * n)}
    if ms_isrcs is None:
        ms = packet("D0", n, cdm="DA", name="IMAGE.DAT", dss="00000000")
    else:
        # One audio packet per track, each with its ISRC (what some
        # authoring tools write): all name the same stream file.
        ms = b"".join(
            packet("D0", 1, cdm="DA", trk="%02d" % t, idx="01", isrc=i, name="IMAGE.DAT",
                   dss="%08d" % (t - 1))
            for t, i in enumerate(ms_isrcs, 1))
    pqs = pq_stream(pq_isrcs, pq_upc)
    ms += packet("S0", len(pqs), sub="PQ DESCR", name="PQDESCR")
    files["PQDESCR"] = pqs
    if text:
        ct = cdtext(TITLES, ct_upc, ct_isrcs)
        ms += packet("S0", len(ct), sub="CDTEXT", name="CDTEXT.BIN")
        files["CDTEXT.BIN"] = ct
    files["DDPMS"] = ms
    return files


def main():
    # A clean DDP 2.00 image: UPC/EAN in DDPID, PQ and CD-TEXT; ISRCs in
    # PQ and CD-TEXT, all agreeing.
    write("clean", image())

    # Every site disagrees somewhere: DDPID's barcode differs from PQ's and
    # CD-TEXT's; track 2's ISRC differs in CD-TEXT; track 3's in DDPMS.
    write("disagree", image(
        upc=OTHER_UPC,
        ms_isrcs=[ISRCS[0], ISRCS[1], "USRC17607839"],
        ct_isrcs=[ISRCS[0], "GBAYE6800099", ISRCS[2]]))

    # DDP 1.01: the DDPID's user text where 2.00 has BK..LAYER, no CD-TEXT.
    files = image(level="DDP 1.01", text=False)
    files["DDPMS"] = b"".join(
        p[:91] + b" " * 37 for p in (files["DDPMS"][i:i + 128] for i in range(0, len(files["DDPMS"]), 128)))
    write("v101", files)

    # Damaged: the PQ stream is cut in the middle of its third entry.
    files = image()
    files["PQDESCR"] = files["PQDESCR"][:64 * 2 + 30]
    write("truncated_pq", files)

    # Damaged: the map names CDTEXT.BIN but the file is not there.
    files = image()
    del files["CDTEXT.BIN"]
    write("missing_file", files)

    # Damaged: letters in numeric fields (DDPID barcode, a PQ track number).
    files = image(upc="07243849606X0")
    pqs = bytearray(files["PQDESCR"])
    pqs[64 + 4:64 + 6] = b"0A"
    files["PQDESCR"] = bytes(pqs)
    write("non_digits", files)


if __name__ == "__main__":
    main()
