#!/usr/bin/python3
"""Print every tag item mutagen sees in the given files, for check.sh.

One line per value, tab-separated, in the columns of EXPECTED.tsv:
    file  tag  field  version  encoding  raw  location
tag/field/version/encoding use EXPECTED.tsv's vocabulary, so check.sh can
compare a row with mutagen's view of the same file exactly. Only what mutagen
itself parses is printed (it does not read RIFF INFO, bext, iXML, aXML, RF64
or MP4 'mdta' key names).

Run with /usr/bin/python3 (Debian's python3-mutagen).
"""

import sys

import mutagen
import mutagen.aiff
import mutagen.apev2
import mutagen.flac
import mutagen.id3 as id3
import mutagen.mp4
import mutagen.wave

ENCODINGS = {0: "ISO-8859-1", 1: "UTF-16", 2: "UTF-16BE", 3: "UTF-8"}


def out(path, tag, field, version, encoding, raw, location=""):
    print("\t".join([path, tag, field, version, encoding, raw, location]))


def dump_id3(path, tags, location):
    if tags is None:
        return
    version = "2.%d" % tags.version[1]
    for frame in tags.values():
        fid = frame.FrameID
        if fid in ("TXXX",):
            field = "TXXX:" + frame.desc
        elif fid == "COMM":
            field = "COMM"
        elif fid.startswith("T"):
            field = fid
        else:
            continue
        for text in frame.text:
            out(path, "id3v2", field, version, ENCODINGS[int(frame.encoding)],
                str(text), location)


def id3_loaded(path):
    # translate=False keeps a v2.3 tag as v2.3 (mutagen upgrades by default)
    tags = id3.ID3()
    try:
        tags.load(path, translate=False)
    except Exception:  # no tag, or a damaged one
        return None
    return tags


def dump(path):
    try:
        f = mutagen.File(path)
        if isinstance(f, (mutagen.wave.WAVE, mutagen.aiff.AIFF)):
            # translate=False keeps a v2.3 tag as v2.3 (mutagen upgrades
            # v2.3 to v2.4 in memory by default)
            f = type(f)(path, translate=False)
    except Exception as e:  # damaged files: mutagen's view is "unreadable"
        out(path, "error", type(e).__name__, "", "", str(e).replace("\t", " "))
        f = None
    if isinstance(f, (mutagen.wave.WAVE, mutagen.aiff.AIFF)):
        # mutagen reads both 'id3 ' and 'ID3 ' chunks and does not say which
        dump_id3(path, f.tags, "chunk")
    elif isinstance(f, mutagen.flac.FLAC):
        for key, value in f.tags or []:
            out(path, "vorbis", key, "", "", value, "VORBIS_COMMENT")
        if f.cuesheet is not None:
            mcn = f.cuesheet.media_catalog_number
            if isinstance(mcn, bytes):
                mcn = mcn.rstrip(b"\0").decode("ascii", "replace")
            if mcn:
                out(path, "cuesheet", "MEDIA CATALOG NUMBER", "", "", mcn,
                    "CUESHEET")
            for track in f.cuesheet.tracks:
                isrc = track.isrc
                if isinstance(isrc, bytes):
                    isrc = isrc.rstrip(b"\0").decode("ascii", "replace")
                if isrc:
                    out(path, "cuesheet", "TRACK ISRC", "", "", isrc,
                        "CUESHEET track %d" % track.track_number)
        dump_id3(path, id3_loaded(path), "ID3v2-before-fLaC")
    elif isinstance(f, mutagen.mp4.MP4):
        for key, values in (f.tags or {}).items():
            for value in values:
                encoding = "UTF-8"
                if isinstance(value, mutagen.mp4.MP4FreeForm):
                    if value.dataformat == mutagen.mp4.AtomDataType.UTF16:
                        encoding = "UTF-16BE"
                        value = bytes(value).decode("utf-16-be", "replace")
                    else:
                        if value.dataformat == mutagen.mp4.AtomDataType.IMPLICIT:
                            encoding = ""   # type 0 declares no encoding
                        value = bytes(value).decode("utf-8", "replace")
                out(path, "ilst", key, "", encoding, str(value), "moov/udta/meta/ilst")
    elif f is not None and type(f).__name__ == "MP3":
        dump_id3(path, id3_loaded(path), "ID3v2")
    try:
        ape = mutagen.apev2.APEv2(path)
    except Exception:
        ape = None
    if ape is not None:
        for key, value in ape.items():
            out(path, "ape", key, "2", "UTF-8", str(value), "APEv2")


if __name__ == "__main__":
    for path in sys.argv[1:]:
        dump(path)
