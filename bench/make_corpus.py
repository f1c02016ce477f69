#!/usr/bin/python3
"""Generate a label-style corpus of tagged audio masters, optionally with
planted problems and a truth file listing exactly the findings an audit
must produce.

    /usr/bin/python3 bench/make_corpus.py OUT --files N [--seed S]
                     [--long-seconds L] [--problems]

Run it with /usr/bin/python3 (Debian's, which has mutagen).

How it works: a few base clips per container are made once with ffmpeg
(WAV 16-bit, AIFF, FLAC, MP3, M4A/AAC; 8 kHz mono, so files are small);
each output file is a copy of one base clip, tagged in memory with mutagen
and written once. No process is spawned per file.

Layout, like a label's asset tree:

    OUT/<label>/<release-NNN>/<NN> <title>.<ext>
    OUT/<label>/<release-NNN>/WAV/<NN> <title>.wav    (a release delivered
    OUT/<label>/<release-NNN>/FLAC/<NN> <title>.flac   in two formats)

Every track carries its recording's ISRC, its title and its release's
barcode, in the container's standard place:

    WAV   ID3v2 in an `id3 ` chunk: TSRC, TXXX:BARCODE, TIT2
    AIFF  ID3v2 in an `ID3 ` chunk: TSRC, TXXX:BARCODE, TIT2
    MP3   ID3v2 at the head: TSRC, TXXX:BARCODE, TIT2
    FLAC  Vorbis comments ISRC, BARCODE, TITLE
    M4A   ----:com.apple.iTunes:ISRC, ----:com.apple.iTunes:BARCODE, (c)nam

A release delivered as WAV/ and FLAC/ carries the same recordings (same
titles, durations and ISRCs) and the same barcode in both folders: that is
legitimate and is not a finding.

With --problems, a deterministic (from --seed) set of problems is planted
and OUT/truth.json lists every finding the audit must produce, one per
(rule, file); see bench/README.md for the rule semantics assumed. Without
--problems the corpus is clean and truth.json has an empty findings list.
"""

import argparse
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

try:
    import mutagen
    from mutagen.id3 import TALB, TIT2, TPE1, TRCK, TSRC, TXXX
    from mutagen.mp4 import MP4FreeForm
except ImportError:  # pragma: no cover - environment problem
    sys.exit("make_corpus.py: mutagen is missing; run it with /usr/bin/python3")

CONTAINERS = ["wav", "aiff", "flac", "mp3", "m4a"]
# How often each container is a release's format (a label's tree is mostly
# WAV and FLAC masters, with some MP3/M4A deliveries and a few AIFF).
CONTAINER_WEIGHTS = [30, 10, 25, 20, 15]
DUAL_SHARE = 0.10  # releases delivered as WAV/ + FLAC/
TRACKS_MIN, TRACKS_MAX = 4, 12

# Durations (seconds) of the base clips: one per "recording length" class.
SHORT_DURATIONS = [1.0, 1.5, 2.0, 2.5, 3.0]
# The duplicate plant's target must differ by >= 3 s from every normal clip.
DUP_EXTRA_SECONDS = 4.0

# label name, ISRC registrant prefix (country + registrant), barcode form
# (12 = UPC-A, 13 = EAN-13) and the GS1 company prefix its barcodes start with.
LABELS = [
    ("Northern Lights Records", "USRC1", 12, "0731452"),
    ("Harbour Sound", "GBAYE", 13, "5021732"),
    ("Maison Lumiere", "FRZ03", 13, "3700187"),
    ("Tiefton Musik", "DEA84", 13, "4050538"),
    ("Polder Audio", "NLA50", 13, "8718627"),
    ("Quiet Machine", "QMDA7", 12, "0888072"),
    ("Sakura Onkyo", "JPPO0", 13, "4988031"),
]

WORDS_A = [
    "Midnight", "Golden", "Silent", "Electric", "Broken", "Northern", "Velvet",
    "Hollow", "Crimson", "Distant", "Paper", "Glass", "Neon", "Quiet", "Wild",
    "Amber", "Lonely", "Silver", "Falling", "Burning", "Summer", "Winter",
    "Little", "Secret", "Endless", "Empty", "Faded", "Bright", "Slow", "Open",
]
WORDS_B = [
    "Harbour", "Lights", "River", "Highway", "Garden", "Letters", "Signal",
    "Mirror", "Station", "Horizon", "Echoes", "Dancer", "Window", "Engine",
    "Island", "Shadows", "Streets", "Heart", "Morning", "Rain", "Machine",
    "Fields", "Ocean", "Tides", "Mountain", "Circus", "Thunder", "Coast",
    "Fire", "Stars",
]
SUFFIXES = ["", "", "", "", "", " (Radio Edit)", " (Live)", " (Acoustic)", " Part II", " (Reprise)"]


# --------------------------------------------------------------------------
# codes

def gtin_check_digit(body):
    """GS1 check digit of the digits before it (UPC-A, EAN-13 alike)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return str((10 - total % 10) % 10)


def gtin_valid(code):
    if not code.isdigit() or len(code) not in (12, 13):
        return False
    if len(set(code)) == 1:
        return False
    return gtin_check_digit(code[:-1]) == code[-1]


def gtin13(code):
    return code.zfill(13)


class Codes:
    """Hands out unique ISRCs and barcodes for each label."""

    def __init__(self, rng):
        self.rng = rng
        self.isrc_next = {}
        self.barcode_next = {}
        self.seen_isrc = set()
        self.seen_gtin = set()

    def isrc(self, label, year):
        _, prefix, _, _ = label
        n = self.isrc_next.setdefault(prefix, self.rng.randrange(1, 20000))
        self.isrc_next[prefix] = n + 1
        code = f"{prefix}{year:02d}{n:05d}"
        assert len(code) == 12 and code not in self.seen_isrc
        self.seen_isrc.add(code)
        return code

    def barcode(self, label):
        _, _, form, company = label
        n = self.barcode_next.setdefault(company, self.rng.randrange(100, 3000))
        self.barcode_next[company] = n + 1
        body_len = form - 1
        body = company + str(n).zfill(body_len - len(company))
        assert len(body) == body_len
        code = body + gtin_check_digit(body)
        assert gtin_valid(code) and gtin13(code) not in self.seen_gtin
        self.seen_gtin.add(gtin13(code))
        return code


# --------------------------------------------------------------------------
# plan

class Track:
    __slots__ = (
        "label", "release", "rel_dir", "number", "title", "container",
        "clip", "isrcs", "barcodes", "id3_version", "id3_encoding", "dual_twin",
    )

    def __init__(self, **kw):
        self.dual_twin = None
        for k, v in kw.items():
            setattr(self, k, v)

    def path(self):
        return f"{self.rel_dir}/{self.number:02d} {self.title}.{self.container}"


class Release:
    def __init__(self, label, index, folder, containers, album, artist, barcode, year):
        self.label = label
        self.index = index
        self.folder = folder  # relative, e.g. "Harbour Sound/release-004"
        self.containers = containers  # ["flac"] or ["wav", "flac"]
        self.album = album
        self.artist = artist
        self.barcode = barcode
        self.year = year
        self.tracks = []  # all tracks, both folders of a dual release

    @property
    def dual(self):
        return len(self.containers) > 1


def make_title(rng, used):
    """A title not used before when one is found in a few tries; in a big
    corpus titles repeat, as they do in real catalogues (recordings are told
    apart by ISRC, and duplicates by title and length)."""
    for _ in range(20):
        t = f"{rng.choice(WORDS_A)} {rng.choice(WORDS_B)}{rng.choice(SUFFIXES)}"
        if t not in used:
            used.add(t)
            return t
    return t


def plan_corpus(n_files, rng, codes, n_clips):
    releases = []
    titles_used = set()
    per_label_count = {}
    made = 0
    dual_files = 0
    width = max(3, len(str(n_files // TRACKS_MIN + 1)))
    # Small corpora get smaller releases, so that there are enough of them
    # for every plant (about nine releases or more).
    tracks_max = min(TRACKS_MAX, max(TRACKS_MIN, n_files // 9))
    # Make sure every container appears early (small corpora too).
    container_cycle = CONTAINERS[:]
    rng.shuffle(container_cycle)
    while made < n_files:
        remaining = n_files - made
        label = LABELS[len(releases) % len(LABELS)] if len(releases) < len(LABELS) else rng.choice(LABELS)
        k = rng.randint(TRACKS_MIN, tracks_max)
        if len(releases) < len(container_cycle):
            container = container_cycle[len(releases)]
        else:
            container = rng.choices(CONTAINERS, CONTAINER_WEIGHTS)[0]
        # Every corpus has a two-format release (the third one) if it can.
        want_dual = rng.random() < DUAL_SHARE or (len(releases) == 2 and dual_files == 0)
        dual = want_dual and remaining >= 4 * TRACKS_MIN
        if dual:
            dk = min(k, remaining // 2)
            if remaining - 2 * dk < TRACKS_MIN:
                dk = (remaining - TRACKS_MIN) // 2
            # At most ~15% of the files in two-format releases.
            room = int(max(2 * TRACKS_MIN, 0.15 * n_files)) - dual_files
            dk = min(dk, room // 2)
            dual = dk >= TRACKS_MIN
            if dual:
                k = dk
        if dual:
            dual_files += 2 * k
            containers = ["wav", "flac"]
        else:
            if remaining - k < TRACKS_MIN:
                k = remaining  # the last release takes the rest (at most 15)
            containers = [container]
        idx = per_label_count.get(label[0], 0) + 1
        per_label_count[label[0]] = idx
        folder = f"{label[0]}/release-{idx:0{width}d}"
        year = rng.randint(5, 24)
        album = make_title(rng, titles_used)
        artist = f"{rng.choice(WORDS_A)} {rng.choice(WORDS_B)}s"
        rel = Release(label, len(releases), folder, containers, album, artist, codes.barcode(label), year)
        id3_version = rng.choice([3, 4])
        id3_encoding = rng.choice([0, 1, 3])  # Latin-1, UTF-16, UTF-8 (v2.3 gets UTF-16)
        for number in range(1, k + 1):
            title = make_title(rng, titles_used)
            clip = rng.randrange(n_clips)
            isrc = codes.isrc(label, year)
            twins = []
            for c in containers:
                rel_dir = folder if not dual else f"{folder}/{c.upper()}"
                t = Track(
                    label=label, release=rel, rel_dir=rel_dir, number=number,
                    title=title, container=c, clip=clip,
                    isrcs=[("std", isrc)], barcodes=[("BARCODE", rel.barcode)],
                    id3_version=id3_version, id3_encoding=id3_encoding,
                )
                twins.append(t)
                rel.tracks.append(t)
            if len(twins) == 2:
                twins[0].dual_twin, twins[1].dual_twin = twins[1], twins[0]
            made += len(twins)
        releases.append(rel)
    return releases


# --------------------------------------------------------------------------
# problems

class Plants:
    def __init__(self):
        self.findings = set()  # (rule, path)
        self.notes = []  # human-readable description of each plant

    def add(self, rule, track, detail):
        self.findings.add((rule, track.path()))
        self.notes.append({"rule": rule, "path": track.path(), "detail": detail})


def plant_problems(releases, rng, codes, n_files, dup_clip):
    """Mutate the plan; return the findings the audit must produce.

    Whole-release plants (barcode-shared, -inconsistent, -conflict) take
    releases of their own; per-file plants take distinct files of other
    single-format releases; the two files of a duplicate pair are planted
    with nothing else. So no file trips a rule it is not listed for.
    """
    p = Plants()
    scale = max(1, n_files // 1000)
    singles = [r for r in releases if not r.dual]
    rng.shuffle(singles)
    # Whole-release plants take the smallest releases (fewer findings); one
    # MP3 and one FLAC release stay free for the isrc-conflict plants.
    keep = []
    for c in ("mp3", "flac"):
        r = next((r for r in singles if r.containers == [c]), None)
        if r is not None:
            singles.remove(r)
            keep.append(r)
    singles.sort(key=lambda r: len(r.tracks))
    singles += keep
    n_shared = max(1, n_files // 2000)
    n_inconsistent = max(1, n_files // 2000)
    n_bconflict = max(1, n_files // 2000)
    n_dup = scale
    need_releases = 2 * n_shared + n_inconsistent + n_bconflict
    if len(singles) < need_releases + 2:
        sys.exit(
            f"make_corpus.py: --problems needs more releases than {len(singles)} "
            f"single-format ones; use more --files (60 or more usually suffice)"
        )
    exclusive = singles[:need_releases]
    others = singles[need_releases:]
    it = iter(exclusive)

    # barcode-shared: release B is given release A's barcode.
    for _ in range(n_shared):
        a, b = next(it), next(it)
        b.barcode = a.barcode
        for t in b.tracks:
            t.barcodes = [("BARCODE", a.barcode)]
        for t in a.tracks + b.tracks:
            p.add("barcode-shared", t, f"releases {a.folder} and {b.folder} both carry {a.barcode}")

    # barcode-inconsistent: one track carries another (fresh, valid) barcode.
    for _ in range(n_inconsistent):
        r = next(it)
        odd = rng.choice(r.tracks)
        other = codes.barcode(r.label)
        odd.barcodes = [("BARCODE", other)]
        for t in r.tracks:
            p.add("barcode-inconsistent", t, f"{odd.path()} carries {other}, the rest {r.barcode}")

    # barcode-conflict: every track carries BARCODE = release barcode and
    # UPC = another valid barcode (whole release, so the release stays
    # consistent and only the per-file conflict fires).
    for _ in range(n_bconflict):
        r = next(it)
        other = codes.barcode(r.label)
        for t in r.tracks:
            t.barcodes = [("BARCODE", r.barcode), ("UPC", other)]
            p.add("barcode-conflict", t, f"BARCODE {r.barcode} and UPC {other}")

    # Files free for per-file plants and duplicate pairs.
    pool = [t for r in others for t in r.tracks]
    rng.shuffle(pool)
    taken = set()

    def take(pred=lambda t: True, exclude_releases=()):
        for t in pool:
            if id(t) not in taken and pred(t) and t.release not in exclude_releases:
                taken.add(id(t))
                return t
        return None

    # isrc-duplicate: the source's ISRC is copied onto a track of another
    # release with a different title and a much longer duration.
    for _ in range(n_dup):
        src = take()
        dst = take(lambda t: t.title != src.title and t.label != src.label, (src.release,)) or take(
            lambda t: t.title != src.title, (src.release,)
        )
        if src is None or dst is None:
            sys.exit("make_corpus.py: not enough files for the duplicate plant; use more --files")
        code = src.isrcs[0][1]
        dst.isrcs = [("std", code)]
        dst.clip = dup_clip
        for t in (src, dst):
            p.add("isrc-duplicate", t, f"{code} on {src.path()} and {dst.path()} (different title and length)")

    def per_file(rule, count, mutate, pred=lambda t, i: True, fallback=None):
        for i in range(count):
            t = take(lambda t: pred(t, i))
            if t is None and fallback is not None:
                t = take(fallback)
            if t is None:
                sys.exit(f"make_corpus.py: no file left to plant {rule}; use more --files")
            detail = mutate(t, i)
            p.add(rule, t, detail)

    def isrc_missing(t, i):
        t.isrcs = []
        return "no ISRC"

    def isrc_invalid(t, i):
        code = t.isrcs[0][1]
        kind = i % 3
        if kind == 0:
            bad, why = code[:-1], "11 characters"
        elif kind == 1:
            bad, why = "XX" + code[2:], "unknown country XX"
        else:
            bad, why = "000000000000", "all zeros"
        t.isrcs = [("std", bad)]
        return f"{bad!r}: {why}"

    def isrc_noncanonical(t, i):
        code = t.isrcs[0][1]
        kind = i % 3
        if kind == 0:
            bad = f"{code[:2]}-{code[2:5]}-{code[5:7]}-{code[7:]}"
        elif kind == 1:
            bad = code.lower()
        else:
            bad = f"ISRC {code}"
        t.isrcs = [("std", bad)]
        return f"{bad!r} stands for {code}"

    def isrc_conflict(t, i):
        other = codes.isrc(t.label, t.release.year)
        t.isrcs = [("std", t.isrcs[0][1]), ("alt", other)]
        where = "two Vorbis ISRC comments" if t.container == "flac" else "TSRC and TXXX:ISRC"
        return f"{t.isrcs[0][1]} and {other} ({where})"

    def barcode_missing(t, i):
        t.barcodes = []
        return "no barcode"

    def barcode_invalid(t, i):
        code = t.release.barcode
        if i % 2 == 0:
            bad = code[:-1] + str((int(code[-1]) + 1) % 10)
            why = "wrong check digit"
        else:
            bad = code[:11]
            why = "11 digits"
        assert not gtin_valid(bad)
        t.barcodes = [("BARCODE", bad)]
        return f"{bad!r}: {why}"

    per_file("isrc-missing", max(2, n_files // 250), isrc_missing)
    per_file("isrc-invalid", 3 * scale, isrc_invalid)
    per_file("isrc-noncanonical", 3 * scale, isrc_noncanonical)
    # Conflicts: MP3 (TSRC + TXXX:ISRC) and FLAC (two ISRC comments), in turn;
    # WAV/AIFF (same ID3 frames) when no such file is left.
    per_file(
        "isrc-conflict", 2 * scale, isrc_conflict,
        pred=lambda t, i: t.container == ("mp3" if i % 2 == 0 else "flac"),
        fallback=lambda t: t.container in ("mp3", "flac", "wav", "aiff"),
    )
    per_file("barcode-missing", max(2, n_files // 250), barcode_missing)
    per_file("barcode-invalid", 2 * scale, barcode_invalid)
    return p


# --------------------------------------------------------------------------
# audio

def codec_args(container, index):
    if container == "wav":
        return ["-c:a", "pcm_s16le"]
    if container == "aiff":
        return ["-c:a", "pcm_s16be"]
    if container == "flac":
        return ["-c:a", "flac"]
    if container == "mp3":
        return ["-c:a", "libmp3lame", "-b:a", "16k"]
    # M4A: moov after mdat (ffmpeg's default) for some clips, before for others.
    args = ["-c:a", "aac", "-b:a", "16k"]
    if index % 2:
        args += ["-movflags", "+faststart"]
    return args


def make_clip(container, index, seconds, out):
    cmd = [
        "ffmpeg", "-nostdin", "-v", "error", "-y",
        "-f", "lavfi", "-i", f"anoisesrc=r=8000:a=0.05:c=pink:seed={index + 1}:d={seconds}",
        "-ac", "1", "-ar", "8000", "-map_metadata", "-1",
        "-fflags", "+bitexact", "-flags:a", "+bitexact",
        *codec_args(container, index), out,
    ]
    subprocess.run(cmd, check=True)
    return out


def make_clips(tmp, durations):
    """{(container, clip index): bytes}; ffmpeg runs two at a time."""
    jobs = []
    for c in CONTAINERS:
        for i, d in enumerate(durations):
            jobs.append((c, i, d, os.path.join(tmp, f"clip{i}.{c}")))
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
        list(ex.map(lambda j: make_clip(*j), jobs))
    clips = {}
    for c, i, _, path in jobs:
        with open(path, "rb") as f:
            clips[(c, i)] = f.read()
    return clips


# --------------------------------------------------------------------------
# tagging

def tag_bytes(track, base):
    """The base clip's bytes with the track's tags, tagged by mutagen in memory."""
    buf = io.BytesIO(base)
    f = mutagen.File(buf)
    if f is None:
        raise RuntimeError(f"mutagen cannot open the {track.container} base clip")
    buf.seek(0)
    rel = track.release
    c = track.container
    if c in ("wav", "aiff", "mp3"):
        if f.tags is None:
            f.add_tags()
        tags = f.tags
        enc = track.id3_encoding
        tags.add(TIT2(encoding=enc, text=[track.title]))
        tags.add(TALB(encoding=enc, text=[rel.album]))
        tags.add(TPE1(encoding=enc, text=[rel.artist]))
        tags.add(TRCK(encoding=0, text=[f"{track.number}"]))
        for where, value in track.isrcs:
            if where == "std":
                tags.add(TSRC(encoding=enc, text=[value]))
            else:
                tags.add(TXXX(encoding=enc, desc="ISRC", text=[value]))
        for key, value in track.barcodes:
            tags.add(TXXX(encoding=enc, desc=key, text=[value]))
        f.save(buf, v2_version=track.id3_version)
    elif c == "flac":
        if f.tags is None:
            f.add_tags()
        f["TITLE"] = [track.title]
        f["ALBUM"] = [rel.album]
        f["ARTIST"] = [rel.artist]
        f["TRACKNUMBER"] = [str(track.number)]
        if track.isrcs:
            f["ISRC"] = [v for _, v in track.isrcs]
        for key, value in track.barcodes:
            f[key] = [value]
        f.save(buf)
    elif c == "m4a":
        if f.tags is None:
            f.add_tags()
        f["\xa9nam"] = [track.title]
        f["\xa9alb"] = [rel.album]
        f["\xa9ART"] = [rel.artist]
        f["trkn"] = [(track.number, 0)]
        for _, value in track.isrcs:
            f["----:com.apple.iTunes:ISRC"] = [MP4FreeForm(value.encode())]
        for key, value in track.barcodes:
            f[f"----:com.apple.iTunes:{key}"] = [MP4FreeForm(value.encode())]
        f.save(buf)
    return buf.getvalue()


def jpeg_like(rng, size):
    """A JPEG start marker and random bytes: not audio, never mistaken for MP3."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(rng.getrandbits(8) for _ in range(size))


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="output folder (created; must be empty or absent)")
    ap.add_argument("--files", type=int, required=True, help="number of audio files")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--long-seconds", type=float, default=0,
                    help="make every file this long instead of 1-3 s (0: off)")
    ap.add_argument("--problems", action="store_true",
                    help="plant known problems and list them in OUT/truth.json")
    ap.add_argument("--force", action="store_true", help="replace OUT if it exists")
    args = ap.parse_args()
    if args.files < 1:
        ap.error("--files must be at least 1")

    t0 = time.perf_counter()
    out = os.path.abspath(args.out)
    if os.path.exists(out) and os.listdir(out):
        if not args.force:
            sys.exit(f"make_corpus.py: {out} exists and is not empty (use --force)")
        shutil.rmtree(out)
    os.makedirs(out, exist_ok=True)

    rng = random.Random(args.seed)
    codes = Codes(rng)
    if args.long_seconds > 0:
        durations = [args.long_seconds]
    else:
        durations = SHORT_DURATIONS[:]
    dup_clip = len(durations)
    durations.append(max(durations) + DUP_EXTRA_SECONDS)

    releases = plan_corpus(args.files, rng, codes, n_clips=dup_clip)
    plants = plant_problems(releases, rng, codes, args.files, dup_clip) if args.problems else Plants()

    t_plan = time.perf_counter() - t0
    with tempfile.TemporaryDirectory(prefix="isrckit-clips-") as tmp:
        clips = make_clips(tmp, durations)
    t_clips = time.perf_counter() - t0 - t_plan

    made_dirs = set()
    n_audio = 0
    n_bytes = 0
    for rel in releases:
        for t in rel.tracks:
            d = os.path.join(out, t.rel_dir)
            if d not in made_dirs:
                os.makedirs(d, exist_ok=True)
                made_dirs.add(d)
            data = tag_bytes(t, clips[(t.container, t.clip)])
            with open(os.path.join(out, t.path()), "wb") as f:
                f.write(data)
            n_audio += 1
            n_bytes += len(data)
    assert n_audio == args.files, (n_audio, args.files)

    others = []
    if args.problems:
        # Files an audit must count and skip, never flag.
        nrng = random.Random(args.seed * 7919 + 1)
        labels_used = sorted({r.label[0] for r in releases})
        for name in labels_used[:2]:
            rel = f"{name}/notes.txt"
            with open(os.path.join(out, rel), "w") as f:
                f.write("Delivery notes: masters 24-bit/96 kHz on request.\n")
            others.append(rel)
        for r in [r for r in releases if not r.dual][:2]:
            rel = f"{r.folder}/cover.jpg"
            with open(os.path.join(out, rel), "wb") as f:
                f.write(jpeg_like(nrng, 2048))
            others.append(rel)

    # truth.json itself lies in OUT, so an audit of OUT walks it too: it is
    # counted as one more non-audio file.
    others.append("truth.json")
    findings = [{"rule": rule, "path": path} for rule, path in sorted(plants.findings, key=lambda x: (x[1], x[0]))]
    truth = {
        "seed": args.seed,
        "files": n_audio + len(others),
        "audio": n_audio,
        "skipped": len(others),
        "non_audio": sorted(others),
        "releases": len(releases),
        "findings": findings,
        "plants": sorted(plants.notes, key=lambda n: (n["rule"], n["path"])),
    }
    with open(os.path.join(out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1, ensure_ascii=False)
        f.write("\n")
    dt = time.perf_counter() - t0
    counts = {}
    for fnd in findings:
        counts[fnd["rule"]] = counts.get(fnd["rule"], 0) + 1
    print(
        f"make_corpus: {n_audio} audio files ({n_bytes / 1e6:.1f} MB) in {len(releases)} releases"
        f" + {len(others)} other files (truth.json included) in {out}; plan {t_plan:.1f} s, clips {t_clips:.1f} s, total {dt:.1f} s",
        file=sys.stderr,
    )
    if args.problems:
        print("make_corpus: planted " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), file=sys.stderr)


if __name__ == "__main__":
    main()
