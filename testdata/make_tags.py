#!/usr/bin/python3
"""Helper for testdata/make.sh: the steps that need Python.

Run it with /usr/bin/python3 (Debian's python3-mutagen lives there).

Three groups of commands:

* Tags written through mutagen, a real tagging library (good files):
    id3   KIND PATH VERSION SPEC...   KIND: wave | aiff | file (ID3v2 at the
                                      start of any file: MP3, FLAC)
                                      VERSION: 3 | 4
                                      SPEC: FRAME[:DESC]@ENC=VALUE[;VALUE...]
                                      e.g. TSRC@1=FRZ032400003
                                           TXXX:BARCODE@0=075678164125
                                           COMM@0=some text
                                      ENC is the ID3 text encoding byte:
                                      0 Latin-1, 1 UTF-16 (BOM), 2 UTF-16BE,
                                      3 UTF-8.
    ape   PATH KEY=VALUE...           APEv2 tag at the end of the file
    mp4   PATH KEY=VALUE...           MP4 ilst item; KEY like
                                      ----:com.apple.iTunes:ISRC (freeform,
                                      stored as UTF-8 text, data type 1);
                                      KEY@implicit: data type 0 (mutagen's
                                      AtomDataType.IMPLICIT), the bytes
                                      UTF-8

* RIFF chunks that no common tool writes (iXML, aXML): written by
  riff_insert_chunk() below from the chunk layout of the RIFF spec. This is
  the one documented exception to "codes are put in by real tools".
    ixml  PATH ISRC                   iXML chunk with <ASWG><isrcId>
    axml  PATH ISRC                   aXML chunk with an EBUCore document
    axml-formatlabel PATH ISRC        aXML chunk, EBUCore identifier marked
                                      by formatLabel="ISRC", text "ISRC:CODE",
                                      after a UUID identifier
    mvhd-mtime PATH                   undo AtomicParsley's time stamp in
                                      moov/mvhd (for reproducible output)
    bw64  SRC DST                     copy an RF64 file, changing the magic
                                      'RF64' to 'BW64' (ITU-R BS.2088 uses
                                      the RF64 layout with another magic)

* Damage (only for testdata/damaged/; hand-made bytes are expected there):
    damage OP SRC DST [ARG]           see DAMAGE below
    garbage PATH NBYTES SEED          fixed pseudo-random bytes
"""

import random
import struct
import sys

import mutagen.aiff
import mutagen.apev2
import mutagen.id3 as id3
import mutagen.mp4
import mutagen.wave


# ---------------------------------------------------------------- ID3 (mutagen)

def _frames(specs):
    out = []
    for spec in specs:
        head, value = spec.split("=", 1)
        head, enc = head.rsplit("@", 1)
        enc = int(enc)
        values = value.split(";")
        if ":" in head:
            fid, desc = head.split(":", 1)
        else:
            fid, desc = head, None
        if fid == "TXXX":
            out.append(id3.TXXX(encoding=enc, desc=desc, text=values))
        elif fid == "COMM":
            out.append(id3.COMM(encoding=enc, lang="eng", desc=desc or "",
                                text=values))
        else:
            out.append(getattr(id3, fid)(encoding=enc, text=values))
    return out


def cmd_id3(kind, path, version, *specs):
    version = int(version)
    if kind == "wave":
        f = mutagen.wave.WAVE(path)
        if f.tags is None:
            f.add_tags()
        tags = f.tags
    elif kind == "aiff":
        f = mutagen.aiff.AIFF(path)
        if f.tags is None:
            f.add_tags()
        tags = f.tags
    elif kind == "file":
        f = None
        tags = id3.ID3()
    else:
        raise SystemExit("unknown id3 kind %r" % kind)
    for frame in _frames(specs):
        tags.add(frame)
    if f is None:
        # ID3.save() on a path inserts the tag at the start of the file
        tags.save(path, v2_version=version)
    else:
        f.save(v2_version=version)


# ---------------------------------------------------------------- APE, MP4

def cmd_ape(path, *pairs):
    tag = mutagen.apev2.APEv2()
    for pair in pairs:
        key, value = pair.split("=", 1)
        tag[key] = value
    tag.save(path)


def cmd_mp4(path, *pairs):
    f = mutagen.mp4.MP4(path)
    if f.tags is None:
        f.add_tags()
    for pair in pairs:
        key, value = pair.split("=", 1)
        dataformat = mutagen.mp4.AtomDataType.UTF8
        if key.endswith("@implicit"):
            key = key[:-len("@implicit")]
            dataformat = mutagen.mp4.AtomDataType.IMPLICIT
        if key.startswith("----:"):
            f.tags[key] = [mutagen.mp4.MP4FreeForm(
                value.encode("utf-8"), dataformat=dataformat)]
        else:
            f.tags[key] = [value]
    f.save()


# ---------------------------------------------------------------- RIFF chunks

def riff_chunks(data):
    """Yield (offset, id, size) of each top-level chunk of a RIFF/RF64 file.

    RIFF layout: 'RIFF' <u32le size> 'WAVE', then chunks, each
    <4-byte id> <u32le size> <size bytes> and one pad byte when size is odd.
    """
    pos = 12
    while pos + 8 <= len(data):
        cid = data[pos:pos + 4]
        size = struct.unpack("<I", data[pos + 4:pos + 8])[0]
        yield pos, cid, size
        pos += 8 + size + (size & 1)


def riff_insert_chunk(path, chunk_id, payload):
    """Insert one chunk right before the 'data' chunk of a RIFF WAVE file.

    The chunk is <id><u32le len(payload)><payload>, plus a zero pad byte when
    len(payload) is odd (the size field keeps the odd, unpadded length, as the
    RIFF spec says). The RIFF size at offset 4 is increased accordingly.
    """
    data = bytearray(open(path, "rb").read())
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE", path
    assert len(chunk_id) == 4
    chunk = chunk_id + struct.pack("<I", len(payload)) + payload
    if len(payload) & 1:
        chunk += b"\x00"
    for pos, cid, _size in riff_chunks(bytes(data)):
        if cid == b"data":
            data[pos:pos] = chunk
            break
    else:
        raise SystemExit("no data chunk in %s" % path)
    riff_size = struct.unpack("<I", data[4:8])[0] + len(chunk)
    data[4:8] = struct.pack("<I", riff_size)
    open(path, "wb").write(data)


IXML = """<?xml version="1.0" encoding="UTF-8"?>
<BWFXML>
<IXML_VERSION>2.10</IXML_VERSION>
<PROJECT>isrckit testdata</PROJECT>
<ASWG>
<isrcId>{isrc}</isrcId>
</ASWG>
</BWFXML>
"""

AXML = """<?xml version="1.0" encoding="UTF-8"?>
<ebucore:ebuCoreMain xmlns:dc="http://purl.org/dc/elements/1.1/" \
xmlns:ebucore="urn:ebu:metadata-schema:ebucore">
<ebucore:coreMetadata>
<ebucore:title><dc:title>isrckit testdata</dc:title></ebucore:title>
<ebucore:identifier typeLabel="ISRC">
<dc:identifier>{isrc}</dc:identifier>
</ebucore:identifier>
</ebucore:coreMetadata>
</ebucore:ebuCoreMain>
"""


# EBUCore lets an identifier say what it is by its type or by its format;
# archives mark ISRCs with formatLabel and write the scheme into the text.
AXML_FORMATLABEL = """<?xml version="1.0" encoding="UTF-8"?>
<ebucore:ebuCoreMain xmlns:dc="http://purl.org/dc/elements/1.1/" \
xmlns:ebucore="urn:ebu:metadata-schema:ebucore">
<ebucore:coreMetadata>
<ebucore:title><dc:title>isrckit testdata</dc:title></ebucore:title>
<ebucore:identifier typeLabel="GUID" formatLabel="UUID">
<dc:identifier>urn:uuid:6f1c2a3e-0b4d-4e5f-8a9b-0c1d2e3f4a5b</dc:identifier>
</ebucore:identifier>
<ebucore:identifier typeLabel="Identifier" formatLabel="ISRC">
<dc:identifier>ISRC:{isrc}</dc:identifier>
</ebucore:identifier>
</ebucore:coreMetadata>
</ebucore:ebuCoreMain>
"""


def cmd_ixml(path, isrc):
    payload = IXML.format(isrc=isrc).encode("utf-8")
    # keep this chunk odd-sized on purpose: it exercises the pad byte
    if len(payload) % 2 == 0:
        payload = payload.replace(b"</BWFXML>\n", b"</BWFXML>\n\n")
    assert len(payload) % 2 == 1
    riff_insert_chunk(path, b"iXML", payload)


def cmd_axml(path, isrc):
    riff_insert_chunk(path, b"aXML", AXML.format(isrc=isrc).encode("utf-8"))


def cmd_axml_formatlabel(path, isrc):
    riff_insert_chunk(path, b"aXML",
                      AXML_FORMATLABEL.format(isrc=isrc).encode("utf-8"))


def cmd_mvhd_mtime(path):
    """Set moov/mvhd modification_time to its creation_time.

    AtomicParsley stamps the current time into mvhd's modification_time; this
    puts back the value ffmpeg wrote (bit-exact: 0) so that the file is the
    same on every run. Only that 4- or 8-byte timestamp changes.
    """
    data = bytearray(open(path, "rb").read())
    pos = 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"moov":
            mvhd = data.index(b"mvhd", pos) + 4
            if data[mvhd] == 0:           # version 0: 32-bit times
                data[mvhd + 8:mvhd + 12] = data[mvhd + 4:mvhd + 8]
            else:                         # version 1: 64-bit times
                data[mvhd + 12:mvhd + 20] = data[mvhd + 4:mvhd + 12]
            open(path, "wb").write(data)
            return
        if size < 8:
            break
        pos += size
    raise SystemExit("no moov in %s" % path)


def cmd_bw64(src, dst):
    data = bytearray(open(src, "rb").read())
    assert data[:4] == b"RF64", src
    data[:4] = b"BW64"
    open(dst, "wb").write(data)


# ---------------------------------------------------------------- damage

def _find(data, needle, start=0):
    pos = data.find(needle, start)
    if pos < 0:
        raise SystemExit("pattern %r not found" % needle)
    return pos


def damage(op, src, dst, arg=None):
    """DAMAGE operations (SRC is a good file made earlier by make.sh).

    cut-in-chunk-header ID  truncate 4 bytes into the header of chunk ID
    chunk-size-huge ID      set the size of RIFF chunk ID to 0x7FFFFFF0
    zero-chunk              insert a 'JUNK' chunk of size 0 after 'fmt '
    riff-size-huge          set the RIFF size (offset 4) to 0x7FFFFFF0
    id3-size-huge           set the ID3v2 header size to 7F 7F 7F 7F
    flac-cut-vorbis         truncate in the middle of the VORBIS_COMMENT block
    mp4-size-ffffffff ATOM  set the 32-bit size of the first ATOM to 0xFFFFFFFF
    mp4-append-size64       append a 'free' atom: size 1, largesize 2**62
    cut-at-half             keep the first half of the file
    """
    data = bytearray(open(src, "rb").read())
    if op == "cut-in-chunk-header":
        pos = [p for p, cid, _ in riff_chunks(bytes(data))
               if cid == arg.encode()][0]
        data = data[:pos + 4]
    elif op == "chunk-size-huge":
        pos = [p for p, cid, _ in riff_chunks(bytes(data))
               if cid == arg.encode()][0]
        data[pos + 4:pos + 8] = struct.pack("<I", 0x7FFFFFF0)
    elif op == "zero-chunk":
        pos = [p for p, cid, _ in riff_chunks(bytes(data))
               if cid == b"fmt "][0]
        size = struct.unpack("<I", data[pos + 4:pos + 8])[0]
        at = pos + 8 + size + (size & 1)
        data[at:at] = b"JUNK" + struct.pack("<I", 0)
        data[4:8] = struct.pack("<I", struct.unpack("<I", data[4:8])[0] + 8)
    elif op == "riff-size-huge":
        data[4:8] = struct.pack("<I", 0x7FFFFFF0)
    elif op == "id3-size-huge":
        assert data[:3] == b"ID3"
        data[6:10] = b"\x7f\x7f\x7f\x7f"
    elif op == "flac-cut-vorbis":
        pos = 4
        while True:
            header = data[pos]
            length = int.from_bytes(data[pos + 1:pos + 4], "big")
            if header & 0x7F == 4:
                data = data[:pos + 4 + length // 2]
                break
            if header & 0x80:
                raise SystemExit("no VORBIS_COMMENT block")
            pos += 4 + length
    elif op == "mp4-size-ffffffff":
        pos = _find(data, arg.encode()) - 4
        data[pos:pos + 4] = b"\xff\xff\xff\xff"
    elif op == "mp4-append-size64":
        data += struct.pack(">I4sQ", 1, b"free", 2 ** 62)
    elif op == "cut-at-half":
        data = data[:len(data) // 2]
    else:
        raise SystemExit("unknown damage %r" % op)
    open(dst, "wb").write(data)


def cmd_garbage(path, nbytes, seed):
    rng = random.Random(int(seed))
    open(path, "wb").write(bytes(rng.getrandbits(8)
                                 for _ in range(int(nbytes))))


COMMANDS = {
    "id3": cmd_id3,
    "ape": cmd_ape,
    "mp4": cmd_mp4,
    "ixml": cmd_ixml,
    "axml": cmd_axml,
    "axml-formatlabel": cmd_axml_formatlabel,
    "bw64": cmd_bw64,
    "mvhd-mtime": cmd_mvhd_mtime,
    "damage": damage,
    "garbage": cmd_garbage,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        raise SystemExit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
