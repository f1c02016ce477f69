#!/usr/bin/env bash
# Checks the test corpus against EXPECTED.tsv with independent readers:
#   exiftool -a -G1 -s -u, mutagen (mutagen_sites.py), ffprobe -show_format
#   -show_streams, and ffmpeg -v error -i F -f null - (does the audio decode?);
#   for CUE sheets and TOC files (cue/), which none of those reads, cuetools'
#   parser (cueconvert -o cue prints what it read) and cdrdao show-toc.
#
#   bash testdata/check.sh        # -v to print which reader saw each row
#
# Exits 0 when everything matches, 1 on any mismatch, 2 when a tool is missing.
# What is checked:
#  1. every file under wav/ aiff/ flac/ mp3/ mp4/ cue/ damaged/ has rows in
#     EXPECTED.tsv and every file named there exists; the folder is < 1.5 MB.
#  2. for each code row, every reader that can see that location (rules in
#     can_see() below) shows the raw value; mutagen must also agree on tag,
#     field, ID3 version and text encoding; at least one reader must see it.
#  3. completeness: every code-like item exiftool or mutagen reports (ISRC,
#     TSRC, BARCODE, UPC, EAN, xid, isrcId, EBUCore identifier and INFO
#     Source when shaped like an ISRC, an "ISRC:" entry in a bext
#     Description) is a row of EXPECTED.tsv.
# A bext Description entry (the FADGI convention) is a code site only for
# isrckit: exiftool and ffprobe show the Description text, which holds the
# raw value, and no reader names it an ISRC.
# CUE and TOC rows (tags cue, toc) are exempt from exiftool, mutagen and
# ffprobe, which do not read sheets; instead cueconvert must show each row's
# value under the same keyword (CATALOG, UPC_EAN, ISRC; a TOC's CD_TEXT/X as
# X) in the same track (the location column, TRACK nn, or the disc), and
# cdrdao show-toc must show each CATALOG and track ISRC of a file it reads
# (every file but those in CDRDAO_REFUSES below; check.sh makes the audio
# files they name, as silence, in a temporary folder). Completeness:
# every CATALOG, UPC_EAN and ISRC either shows is a row.
#  4. every file outside damaged/ and cue/ decodes with ffmpeg without an error.
set -euo pipefail
cd "$(dirname "$0")"
for tool in exiftool ffprobe ffmpeg /usr/bin/python3 timeout cueconvert cdrdao; do
    command -v "$tool" >/dev/null || { echo "check.sh: missing $tool" >&2; exit 2; }
done
/usr/bin/python3 -c 'import mutagen' 2>/dev/null || { echo "check.sh: /usr/bin/python3 has no mutagen (apt-get install python3-mutagen)" >&2; exit 2; }

exec /usr/bin/python3 - "$@" <<'PY'
import csv, os, re, shutil, subprocess, sys, tempfile

VERBOSE = "-v" in sys.argv[1:]
DIRS = ["wav", "aiff", "flac", "mp3", "mp4", "cue", "damaged"]
errors = []


def fail(msg):
    errors.append(msg)
    print("FAIL " + msg)


rows = list(csv.DictReader(open("EXPECTED.tsv", newline=""), delimiter="\t",
                           quoting=csv.QUOTE_NONE))
COLS = ["file", "kind", "raw", "container", "tag", "field", "version",
        "encoding", "tool", "location", "note"]
with open("EXPECTED.tsv") as f:
    header = f.readline().rstrip("\n").split("\t")
if header != COLS:
    fail("EXPECTED.tsv header is %r" % header)

# ---------------------------------------------------------------- 1. files
on_disk = sorted(os.path.join(d, n) for d in DIRS if os.path.isdir(d)
                 for n in os.listdir(d))
listed = sorted({r["file"] for r in rows})
for path in on_disk:
    if path not in listed:
        fail("%s: file not in EXPECTED.tsv" % path)
for path in listed:
    if not os.path.isfile(path):
        fail("%s: in EXPECTED.tsv but missing" % path)
for r in rows:
    if r["kind"] not in ("isrc", "barcode", "none"):
        fail("%s: bad kind %r" % (r["file"], r["kind"]))
total = sum(os.path.getsize(p) for p in on_disk if os.path.isfile(p))
if total > 1_500_000:
    fail("corpus is %d bytes, over 1.5 MB" % total)
files = [p for p in listed if os.path.isfile(p)]

# ---------------------------------------------------------------- readers
def run(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True,
                           errors="replace", timeout=60)
        return p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return "TIMEOUT"

exif = {p: run(["exiftool", "-a", "-G1", "-s", "-u", p]) for p in files}
probe = {p: run(["ffprobe", "-v", "error", "-show_format", "-show_streams", p])
         for p in files}
mut = {p: [] for p in files}
out = run(["/usr/bin/python3", "mutagen_sites.py"] + files)
for line in out.splitlines():
    parts = line.split("\t")
    if len(parts) == 7 and parts[0] in mut:
        mut[parts[0]].append(parts)


# ---------------------------------------------------------------- sheets
SHEET_TAGS = ("cue", "toc")
SHEET_KEYS = ("CATALOG", "UPC_EAN", "ISRC")


def cueconvert_sites(path):
    """(track or None, KEYWORD, value) for each code line cuetools reads,
    from cueconvert -o cue (it prints the sheet it parsed)."""
    fmt = "toc" if path.endswith(".toc") else "cue"
    out = run(["cueconvert", "-i", fmt, "-o", "cue", path])
    sites, track = [], None
    for line in out.splitlines():
        m = re.match(r"^\s*(TRACK|CATALOG|UPC_EAN|ISRC)\s+\"?([^\"\s]*)", line)
        if not m:
            continue
        if m.group(1) == "TRACK":
            track = int(m.group(2))
        else:
            sites.append((track if m.group(1) == "ISRC" else None,
                          m.group(1), m.group(2)))
    return sites


SILENCE = None


def cdrdao_sites(path):
    """(track or None, KEYWORD, value) from cdrdao show-toc, run in a
    temporary folder that holds 30 s of silence under every audio file
    name the sheet names; None when cdrdao cannot read the file."""
    global SILENCE
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    names = re.findall(r'(?:AUDIO)?FILE\s+"([^"]+)"(?:\s+(\S+))?', text)
    tmp = tempfile.mkdtemp()
    try:
        if SILENCE is None:
            SILENCE = os.path.join(tempfile.mkdtemp(), "silence.wav")
            subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi",
                            "-i", "anullsrc=r=44100:cl=stereo", "-t", "30",
                            "-c:a", "pcm_s16le", SILENCE], check=True)
        for name, _ in names:
            shutil.copy(SILENCE, os.path.join(tmp, os.path.basename(name)))
        shutil.copy(path, tmp)
        p = subprocess.run(["cdrdao", "show-toc", os.path.basename(path)], cwd=tmp,
                           capture_output=True, text=True, errors="replace",
                           timeout=60)
        if p.returncode != 0:
            return None
        sites, track = [], None
        for line in p.stdout.splitlines():
            m = re.match(r"^CATALOG NUMBER: (\d+)", line)
            if m:
                sites.append((None, "CATALOG", m.group(1)))
            m = re.match(r"^TRACK\s+(\d+)\s+Mode", line)
            if m:
                track = int(m.group(1))
            m = re.match(r"^\s+ISRC ([A-Z0-9 ]+)$", line)
            if m:
                sites.append((track, "ISRC", m.group(1).replace(" ", "")))
        return sites
    finally:
        shutil.rmtree(tmp)


def row_track(r):
    m = re.match(r"^TRACK (\d+)$", r["location"])
    return int(m.group(1)) if m else None


# The sheets cdrdao 1.2.4 refuses, and why (seen with show-toc); it must
# read every other file in cue/, and must still refuse these.
CDRDAO_REFUSES = {
    "cue/metaflac_export.cue": "FILE type FLAC: cdrdao reads WAVE, BINARY, MOTOROLA, AIFF",
    "cue/cueconvert_from_toc.cue": "line 4 UPC_EAN: \"Unknown command\" to cdrdao's CUE parser",
}
sheets = [p for p in files if p.startswith("cue/")]
cc = {p: cueconvert_sites(p) for p in sheets}
cd = {p: cdrdao_sites(p) for p in sheets}
for p in sheets:
    if (cd[p] is None) != (p in CDRDAO_REFUSES):
        fail("%s: cdrdao show-toc %s it" % (p, "cannot read" if cd[p] is None else "now reads"))


def magic(path):
    with open(path, "rb") as f:
        return f.read(4)


def can_see(r):
    """(exiftool, mutagen): does this reader read the row's location?"""
    path, tag, loc = r["file"], r["tag"], r["location"]
    m = magic(path)
    riff = m == b"RIFF"
    damaged = path.startswith("damaged/")
    ex = mu = False
    if tag == "riff-info":
        ex = m in (b"RIFF", b"RF64")          # exiftool 12.57 does not open BW64
    elif tag == "id3v2":
        if r["container"] == "wav":
            ex = loc == "id3 " and riff        # exiftool skips 'ID3 ' chunks
            mu = riff                          # mutagen cannot open RF64/BW64
        else:
            ex = mu = True
    elif tag in ("ixml", "axml", "mdta"):
        ex = True                              # mutagen reads none of these
    elif tag == "bext":
        ex = riff                              # as Description text only
    elif tag == "cuesheet":
        mu = True                              # exiftool shows it as binary
    elif tag in ("vorbis", "ilst", "xid", "ape"):
        ex = mu = True
    # damaged files: what each reader does with the damage, seen with
    # exiftool 12.57 and mutagen 1.46.0 (see the note column)
    if damaged and tag == "id3v2" and r["container"] == "wav":
        ex = False                             # chunk size past end of file
    if damaged and r["container"] == "mp4":
        mu = False                             # mutagen fails on the atom
    return ex, mu


# ---------------------------------------------------------------- 2. rows
for r in rows:
    if r["kind"] == "none" or not os.path.isfile(r["file"]):
        continue
    path, raw = r["file"], r["raw"]
    with open(path, "rb") as f:
        blob = f.read()
    encs = {"ISO-8859-1": "latin-1", "UTF-16": "utf-16-le",
            "UTF-16BE": "utf-16-be", "UTF-8": "utf-8",
            "": "utf-8"}  # "": none declared (RIFF, bext, XML, MP4 type 0)
    if raw.encode(encs[r["encoding"]]) not in blob:
        fail("%s: raw %r (%s) not in the file's bytes" % (path, raw,
                                                          r["encoding"] or "UTF-8"))
    ex_can, mu_can = can_see(r)
    ex_saw = raw in exif[path]
    mu_saw = any(m[1] == r["tag"] and m[2] == r["field"]
                 and m[3] == r["version"] and m[4] == r["encoding"]
                 and m[5] == raw
                 and (r["tag"] != "cuesheet" or m[6] == r["location"])
                 for m in mut[path])
    # mutagen names MP4 'xid ' items by their atom name
    if r["tag"] == "xid":
        # stored as PROVIDER:isrc:CODE; EXPECTED.tsv (like isrckit) keeps the CODE
        mu_saw = any(m[2] == "xid " and m[5].split(":isrc:")[-1] == raw
                     for m in mut[path])
    pr_saw = raw in probe[path]
    cc_saw = cd_saw = False
    if r["tag"] in SHEET_TAGS:
        key = r["field"].split("/")[-1].upper()
        want = (row_track(r), key, raw)
        cc_saw = want in cc.get(path, [])
        cd_saw = want in (cd.get(path) or [])
        if not cc_saw:
            fail("%s: cueconvert does not show %s %r in %s (it read %r)"
                 % (path, key, raw, r["location"] or "the disc", cc.get(path)))
        if cd.get(path) is not None and key in ("CATALOG", "ISRC") \
                and "/" not in r["field"] and not cd_saw:
            fail("%s: cdrdao show-toc does not show %s %r in %s"
                 % (path, key, raw, r["location"] or "the disc"))
    if ex_can and not ex_saw:
        fail("%s: exiftool does not show %s %r" % (path, r["field"], raw))
    if mu_can and not mu_saw:
        got = [m[1:6] for m in mut[path]]
        fail("%s: mutagen does not show %s/%s v%s %s %r (mutagen saw %r)"
             % (path, r["tag"], r["field"], r["version"], r["encoding"], raw, got))
    if not (ex_saw or mu_saw or pr_saw or cc_saw or cd_saw):
        fail("%s: no reader sees %s %r" % (path, r["field"], raw))
    if VERBOSE:
        seen = [n for n, s in (("exiftool", ex_saw), ("mutagen", mu_saw),
                               ("ffprobe", pr_saw), ("cueconvert", cc_saw),
                               ("cdrdao", cd_saw)) if s]
        print("ok   %-45s %-8s %-28s %-22s seen by %s"
              % (path, r["tag"], r["field"], raw, ", ".join(seen)))

# ---------------------------------------------------------------- 3. completeness
CODE_FIELD = re.compile(r"isrc|tsrc|barcode|upc|ean|xid", re.I)
# Fields that hold a code only sometimes: INFO ISRC is "Source" by the RIFF
# spec, an aXML document holds other identifiers. A value counts when it has
# the shape of an ISRC (isrckit::codes::has_isrc_shape: 12 letters and digits
# once an ISRC prefix, hyphens and spaces go, two letters first, at least 5
# digits in the last 7).
SOMETIMES = ("Source", "EbuCoreMainCoreMetadataIdentifierIdentifier")


def isrc_shaped(v):
    v = re.sub(r"^isrc[\s:-]*(?=.)", "", v.strip(), flags=re.I) \
        if re.match(r"^isrc[\s-]*:", v.strip(), re.I) else v.strip()
    v = re.sub(r"[\s-]", "", v).upper()
    return (len(v) == 12 and v.isascii() and v.isalnum() and v[:2].isalpha()
            and sum(c.isdigit() for c in v[5:]) >= 5)


# exiftool shows a bext Description's line breaks as '.'
BEXT_ISRC = re.compile(r"(?:^|[;.])\s*ISRC:\s*([A-Za-z0-9-]+)", re.I)
EXIF_CODE = re.compile(
    r"^\[[^\]]+\]\s+(ISRC|ISRCNumber|Barcode|BARCODE|UPC|Upc|Ean|EAN|Isrc|"
    r"Source|Unknown_xid|BwfxmlAswgIsrcId|EbuCoreMainCoreMetadataIdentifierIdentifier|"
    r"UserDefinedText)\s*: (.*)$")
for path in files:
    raws = {r["raw"] for r in rows if r["file"] == path and r["kind"] != "none"}
    for m in mut[path]:
        if m[1] in ("error",):
            continue
        if CODE_FIELD.search(m[2]) or m[1] == "cuesheet":
            if m[5] not in raws and m[5].split(":isrc:")[-1] not in raws:
                fail("%s: mutagen sees %s %s=%r, not in EXPECTED.tsv"
                     % (path, m[1], m[2], m[5]))
    for line in exif[path].splitlines():
        mm = EXIF_CODE.match(line)
        if not mm:
            continue
        name, value = mm.groups()
        if name in SOMETIMES and not isrc_shaped(value):
            continue
        if name == "UserDefinedText":
            d = re.match(r"\((.*?)\) (.*)$", value)
            if not d or not CODE_FIELD.search(d.group(1)):
                continue
            value = d.group(2)
        values = value.split("/") if "/" in value and "-" not in value else [value]
        for v in values:
            if v not in raws and v.split(":isrc:")[-1] not in raws:
                fail("%s: exiftool shows %s %r, not in EXPECTED.tsv"
                     % (path, name, v))
    for line in exif[path].splitlines():
        mm = re.match(r"^\[RIFF\]\s+Description\s+: (.*)$", line)
        for v in BEXT_ISRC.findall(mm.group(1)) if mm else []:
            if v not in raws:
                fail("%s: exiftool shows a bext Description entry ISRC:%s, "
                     "not in EXPECTED.tsv" % (path, v))

for path in sheets:
    rows_here = {(row_track(r), r["field"].split("/")[-1].upper(), r["raw"])
                 for r in rows if r["file"] == path and r["kind"] != "none"}
    for who, seen in (("cueconvert", cc[path]), ("cdrdao", cd[path] or [])):
        for site in seen:
            if site not in rows_here:
                fail("%s: %s shows %s %r in %s, not in EXPECTED.tsv"
                     % (path, who, site[1], site[2],
                        "track %d" % site[0] if site[0] else "the disc"))

# ---------------------------------------------------------------- 4. decode
for path in files:
    if path.startswith("damaged/") or path.startswith("cue/"):
        continue
    try:
        p = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path,
                            "-f", "null", "-"], capture_output=True, text=True,
                           timeout=60)
        if p.returncode != 0 or p.stderr.strip():
            fail("%s: ffmpeg decode: rc=%d %s" % (path, p.returncode,
                                                  p.stderr.strip()[:200]))
    except subprocess.TimeoutExpired:
        fail("%s: ffmpeg decode timed out" % path)

n_codes = sum(1 for r in rows if r["kind"] != "none")
print("check.sh: %d files, %d code rows, %d bytes: %s"
      % (len(files), n_codes, total,
         "%d problem(s)" % len(errors) if errors else "all match"))
sys.exit(1 if errors else 0)
PY
