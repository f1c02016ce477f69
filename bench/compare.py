#!/usr/bin/python3
"""Peer comparison for isrckit: whole-process wall time on one generated
corpus, isrckit against mutagen, exiftool and the head/tail I/O floor.
Run it through bench/compare.sh; see bench/README.md.

    bench/compare.sh [--files 2000] [--runs 5] [--cold] [--long] [--memory]
                     [--isrckit PATH] [--corpus-root DIR] [--seed S]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PY = "/usr/bin/python3"  # Debian's, with mutagen
NPROC = os.cpu_count() or 1

# Paths are relative to nothing: every command gets absolute paths.
EXIFTOOL_TAGS = ["-ISRC", "-ISRCNumber", "-Barcode", "-UserDefinedText", "-Title"]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


# --------------------------------------------------------------------------
# setup

def corpus(root, files, seed, long_seconds=0):
    """A cached corpus (no problems) under ROOT; made when absent or stale."""
    name = f".corpus-{files}" if not long_seconds else f".corpus-{files}-long{int(long_seconds)}s"
    out = os.path.join(root, name)
    truth = os.path.join(out, "truth.json")
    try:
        with open(truth) as f:
            t = json.load(f)
        if t.get("audio") == files and t.get("seed") == seed:
            return out
    except (OSError, ValueError):
        pass
    log(f"== making corpus {out} ({files} files{f', {long_seconds:g} s each' if long_seconds else ''})")
    t0 = time.perf_counter()
    cmd = [PY, os.path.join(HERE, "make_corpus.py"), out, "--files", str(files), "--seed", str(seed), "--force"]
    if long_seconds:
        cmd += ["--long-seconds", str(long_seconds)]
    sh(cmd)
    log(f"   corpus made in {time.perf_counter() - t0:.1f} s")
    return out


def file_list(corpus_dir):
    """Every file of the corpus, sorted, one a line, beside the corpus."""
    path = corpus_dir.rstrip("/") + ".list"
    paths = []
    for d, dirs, names in os.walk(corpus_dir):
        dirs.sort()
        paths += [os.path.join(d, n) for n in sorted(names)]
    with open(path, "w") as f:
        f.write("".join(p + "\n" for p in paths))
    return path, len(paths)


def build_isrckit():
    log("== cargo build --release")
    t0 = time.perf_counter()
    p = subprocess.run(
        ["cargo", "build", "--release", "--bin", "isrckit", "--message-format=json-render-diagnostics"],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )
    if p.returncode != 0:
        sys.exit("compare: cargo build --release failed (see above); or pass --isrckit PATH")
    exe = None
    for line in p.stdout.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") and msg["target"]["name"] == "isrckit":
            exe = msg["executable"]
    if not exe:
        sys.exit("compare: cargo built no isrckit executable")
    log(f"   built {exe} in {time.perf_counter() - t0:.1f} s")
    return exe


def build_headtail():
    src = os.path.join(HERE, "headtail.c")
    exe = os.path.join(HERE, "headtail")
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
        log("== cc -O2 -o bench/headtail bench/headtail.c -lpthread")
        sh([os.environ.get("CC", "cc"), "-O2", "-o", exe, src, "-lpthread"])
    return exe


def isrckit_command(exe):
    """`audit --format json` when the binary has it, else `inspect --format json`."""
    has_audit = subprocess.run([exe, "audit", "--help"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
    return ["audit", "--format", "json"] if has_audit else ["inspect", "--format", "json"]


def can_drop_caches():
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError as e:
        log(f"compare: cannot drop the page cache ({e}); cold runs skipped")
        return False


def drop_caches():
    os.sync()
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")


# --------------------------------------------------------------------------
# timing

class Tool:
    def __init__(self, name, argv, ok_codes=(0,), note=""):
        self.name = name
        self.argv = argv
        self.ok_codes = ok_codes
        self.note = note
        self.times = []
        self.disk_kib = []


def run_once(tool, cold, measure_io=False):
    """Whole-process wall time of one run, output to /dev/null."""
    if cold:
        drop_caches()
    argv = tool.argv
    io_file = None
    if measure_io:
        io_file = tempfile.NamedTemporaryFile(prefix="compare-io-", delete=False)
        io_file.close()
        argv = ["/usr/bin/time", "-f", "%I", "-o", io_file.name] + argv
    t0 = time.perf_counter()
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    if p.returncode not in tool.ok_codes:
        sys.exit(f"compare: {tool.name} failed with status {p.returncode}:\n{p.stderr.decode(errors='replace')[-2000:]}")
    if io_file is not None:
        with open(io_file.name) as f:
            blocks = f.read().strip().splitlines()[-1]
        os.unlink(io_file.name)
        tool.disk_kib.append(int(blocks) / 2)  # 512-byte blocks
    return dt


def measure(tools, runs, cold):
    """Warm: one warm-up run of each tool, then `runs` rounds, each running
    every tool in a rotated order (paired runs); a tool that takes less than
    0.5 s is run several times in a round (up to 15, about 1 s in all) and
    the round keeps the median of those, so a 20 ms run is not one
    scheduler hiccup. Cold: every run
    starts from an empty page cache, one run per tool per round."""
    reps = {}
    for t in tools:
        if cold:
            reps[t.name] = 1
        else:
            warm = run_once(t, False)
            reps[t.name] = max(1, min(15, int(1.0 / max(warm, 1e-3))))
    for r in range(runs):
        order = tools[r % len(tools):] + tools[: r % len(tools)]
        for t in order:
            ts = [run_once(t, cold, measure_io=cold) for _ in range(reps[t.name])]
            t.times.append(statistics.median(ts))


def paired_ratio(peer, base):
    """Median over rounds of peer time / base time (> 1: base is faster)."""
    return statistics.median(p / b for p, b in zip(peer.times, base.times))


# --------------------------------------------------------------------------
# what each tool found (untimed; shows each one really read the codes)

def found_isrckit(exe, cmd, corpus_dir):
    p = subprocess.run([exe] + cmd + [corpus_dir], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        return "?"
    files = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(files, list):
        return "?"
    n = 0
    for f in files:
        d = f.get("distinct") if isinstance(f, dict) else None
        if isinstance(d, dict) and d.get("isrc"):
            n += 1
        elif isinstance(f, dict) and f.get("isrcs"):
            n += 1
    return str(n)


def found_exiftool(argv):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        return "?"
    return str(sum(1 for e in doc if "ISRC" in e or "ISRCNumber" in e))


def found_mutagen(argv):
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # "mutagen_scan: F files, A audio, I with an ISRC, B with a barcode"
    try:
        return p.stderr.strip().splitlines()[-1].split(", ")[2].split()[0]
    except IndexError:
        return "?"


# --------------------------------------------------------------------------
# modes

def peer_mode(args, exe, cmd, headtail, cold):
    c = corpus(args.corpus_root, args.files, args.seed)
    lst, n_files = file_list(c)
    iname = f"isrckit {cmd[0]}"
    isrckit = Tool(iname, [exe] + cmd + [c], ok_codes=(0, 1))
    mut = Tool("mutagen", [PY, os.path.join(HERE, "mutagen_scan.py"), c])
    ex_argv = ["exiftool", "-j", "-r", "-q", "-q"] + EXIFTOOL_TAGS + [c]
    ex = Tool("exiftool (tags)", ex_argv, ok_codes=(0, 1))
    ex2_argv = ["exiftool", "-j", "-r", "-q", "-q", "-fast2", c]
    ex2 = Tool("exiftool -fast2", ex2_argv, ok_codes=(0, 1), note="misses WAV ID3 chunks and M4A moov after mdat")
    # headtail walks the folder itself, as isrckit does: the like-for-like
    # floor. The list rows read a list made before the clock starts (the
    # reading alone), and -j N spreads that over the cores: shown for
    # reference.
    htw = Tool("headtail -r FOLDER", [headtail, "-r", c])
    ht1 = Tool("headtail -l LIST", [headtail, "-l", lst])
    htn = Tool(f"headtail -l -j {NPROC}", [headtail, "-j", str(NPROC), "-l", lst])
    tools = [isrckit, mut, ex, ex2, htw, ht1, htn]

    found = {
        isrckit.name: found_isrckit(exe, cmd, c),
        mut.name: found_mutagen(mut.argv),
        ex.name: found_exiftool(ex_argv),
        ex2.name: found_exiftool(ex2_argv),
        htw.name: "-",
        ht1.name: "-",
        htn.name: "-",
    }
    kind = "cold" if cold else "warm"
    log(f"== {kind} cache: {args.runs} paired runs on {n_files} files ({c})")
    t0 = time.perf_counter()
    measure(tools, args.runs, cold)
    log(f"   measured in {time.perf_counter() - t0:.1f} s")

    print(f"\n{kind.upper()} CACHE, {n_files} files ({args.files} audio), median of {args.runs} paired rounds, whole process")
    hdr = f"{'tool':<20} {'median s':>9} {'min s':>8} {'files/s':>10} {'isrckit x':>10} {'ISRCs found':>12}"
    if cold:
        hdr += f" {'disk MB':>8}"
    print(hdr)
    print("-" * len(hdr))
    for t in tools:
        med = statistics.median(t.times)
        ratio = "1.0" if t is isrckit else f"{paired_ratio(t, isrckit):.1f}"
        line = f"{t.name:<20} {med:9.3f} {min(t.times):8.3f} {n_files / med:10.0f} {ratio:>10} {found[t.name]:>12}"
        if cold:
            line += f" {statistics.median(t.disk_kib) / 1024:8.1f}"
        print(line)
    print("('isrckit x': how many times faster isrckit is, median of per-run ratios)")
    for t in tools:
        if t.note:
            print(f"note: {t.name} {t.note}: its 'ISRCs found' is short")
    print("\ntargets:")
    targets = [
        (mut, 20.0, "isrckit >= 20x mutagen"),
        (ex, 150.0, "isrckit >= 150x exiftool"),
        (htw, 1.0, "isrckit no slower than headtail (walks)"),
    ]
    if cold:
        targets = targets[2:]
    for peer, want, text in targets:
        got = paired_ratio(peer, isrckit)
        print(f"  {'PASS' if got >= want else 'FAIL'}  {text:<42} measured {got:.2f}x")
    for peer, text in (
        (ht1, "headtail -l LIST (list made untimed)"),
        (htn, f"headtail -l LIST -j {NPROC}"),
    ):
        print(f"  info  isrckit against {text:<30} measured {paired_ratio(peer, isrckit):.2f}x")


def long_mode(args, exe, cmd, headtail, cold):
    n = args.long_files
    short = corpus(args.corpus_root, n, args.seed, long_seconds=2)
    longc = corpus(args.corpus_root, n, args.seed, long_seconds=600)
    rows = []
    for label, c in (("2 s", short), ("10 min", longc)):
        lst, n_files = file_list(c)
        size = sum(os.path.getsize(p.rstrip("\n")) for p in open(lst))
        rows.append((label, c, lst, n_files, size))
    # The cost of starting the process, to take out of the per-file cost:
    # isrckit on a folder holding one empty file, headtail on no file.
    empty_dir = tempfile.mkdtemp(prefix="compare-empty-")
    open(os.path.join(empty_dir, "empty"), "w").close()
    tools = [
        Tool("isrckit start", [exe] + cmd + [empty_dir], ok_codes=(0, 1, 2)),
        Tool("headtail start", [headtail, "-j", str(NPROC)]),
    ]
    for label, c, lst, n_files, size in rows:
        tools.append(Tool(f"isrckit {label}", [exe] + cmd + [c], ok_codes=(0, 1)))
        tools.append(Tool(f"headtail {label}", [headtail, "-j", str(NPROC), "-l", lst]))
    kind = "cold" if cold else "warm"
    log(f"== long: {kind} cache, {args.runs} paired runs, {n} files of 2 s and of 10 min")
    t0 = time.perf_counter()
    measure(tools, args.runs, cold)
    shutil.rmtree(empty_dir)
    log(f"   measured in {time.perf_counter() - t0:.1f} s")
    print(f"\nLONG FILES ({kind.upper()} CACHE): per-file cost, {n} audio files each, median of {args.runs} paired rounds")
    print("(us/file net: the run's time less the process start, measured on an empty folder)")
    hdr = f"{'tool':<20} {'corpus MB':>10} {'median s':>9} {'us/file':>9} {'us/file net':>12}"
    if cold:
        hdr += f" {'disk MB':>8}"
    print(hdr)
    print("-" * len(hdr))
    start = {"isrckit": statistics.median(tools[0].times), "headtail": statistics.median(tools[1].times)}
    net = {}
    for i, t in enumerate(tools):
        med = statistics.median(t.times)
        if i < 2:
            line = f"{t.name:<20} {'-':>10} {med:9.4f} {'-':>9} {'-':>12}"
        else:
            label, c, lst, n_files, size = rows[(i - 2) // 2]
            per_net = max(0.0, med - start[t.name.split()[0]]) / n_files * 1e6
            net[t.name] = per_net
            line = f"{t.name:<20} {size / 1e6:10.1f} {med:9.4f} {med / n_files * 1e6:9.1f} {per_net:12.1f}"
        if cold:
            line += f" {statistics.median(t.disk_kib) / 1024:8.1f}"
        print(line)
    short_net, long_net = net["isrckit 2 s"], net["isrckit 10 min"]
    r = long_net / short_net if short_net > 0 else float("inf")
    hs, hl = net["headtail 2 s"], net["headtail 10 min"]
    hr = hl / hs if hs > 0 else float("inf")
    if cold:
        # From disk, a tag after the audio (a WAV's id3 chunk, an M4A's moov
        # after mdat) costs one more seek once head and tail no longer share
        # a readahead: a step, not a growth with length. Shown beside the
        # floor's own step, not judged against 1.2.
        print(f"\ncold, for reference (a tail tag costs a second seek on a long file; the floor pays it too):")
        print(f"  info  isrckit per-file cost, 10 min / 2 s                measured {r:.2f}"
              f" ({long_net:.1f} vs {short_net:.1f} us/file); headtail {hr:.2f}")
        return
    print(f"\ntarget (noise is a few us/file at this size; --long-files 1000 for a finer figure):")
    print(f"  {'PASS' if r <= 1.2 else 'FAIL'}  isrckit per-file cost, 10 min / 2 s <= 1.2         measured {r:.2f}"
          f" ({long_net:.1f} vs {short_net:.1f} us/file)")


def memory_mode(args, exe, cmd):
    small = corpus(args.corpus_root, 2000, args.seed)
    big = corpus(args.corpus_root, 20000, args.seed)
    res = {}
    for label, c, n in (("2000", small, 2000), ("20000", big, 20000)):
        peaks = []
        for _ in range(3):
            with tempfile.NamedTemporaryFile(prefix="compare-rss-") as tf:
                p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tf.name, exe] + cmd + [c],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                if p.returncode not in (0, 1):
                    sys.exit(f"compare: isrckit failed: {p.stderr.decode(errors='replace')[-2000:]}")
                peaks.append(int(open(tf.name).read().strip().splitlines()[-1]))
        res[label] = (n, statistics.median(peaks))
    (n1, m1), (n2, m2) = res["2000"], res["20000"]
    per = (m2 - m1) / (n2 - n1)
    print(f"\nMEMORY: peak RSS of isrckit {cmd[0]} (median of 3)")
    print(f"{'audio files':>12} {'peak RSS KiB':>14}")
    print(f"{n1:>12} {m1:>14.0f}\n{n2:>12} {m2:>14.0f}")
    print(f"\ntarget:\n  {'PASS' if per <= 1.0 else 'FAIL'}  growth <= 1 KiB per file (2 000 -> 20 000)       measured {per:.2f} KiB/file")
    if cmd[0] == "inspect":
        print("  (inspect keeps every file's report until it prints the JSON; the target is for audit)")


def main():
    ap = argparse.ArgumentParser(description="isrckit peer comparison (see bench/README.md)")
    ap.add_argument("--files", type=int, default=2000, help="audio files in the corpus (default 2000)")
    ap.add_argument("--runs", type=int, default=5, help="paired runs (default 5)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cold", action="store_true", help="also cold cache: drop the page cache before each run (root)")
    ap.add_argument("--long", action="store_true", help="per-file cost of 2-second vs 10-minute files")
    ap.add_argument("--long-files", type=int, default=200, help="files in each --long corpus (default 200)")
    ap.add_argument("--memory", action="store_true", help="peak RSS on 2 000 vs 20 000 files")
    ap.add_argument("--only", action="store_true", help="with --long/--memory: skip the peer table")
    ap.add_argument("--isrckit", help="use this binary instead of building with cargo")
    ap.add_argument("--corpus-root", default=HERE, help="where the cached corpora live (default bench/)")
    args = ap.parse_args()

    for tool in ("exiftool", "ffmpeg", "cc"):
        if not shutil.which(tool):
            sys.exit(f"compare: {tool} not found")
    if not os.path.exists("/usr/bin/time") and (args.memory or args.cold):
        sys.exit("compare: /usr/bin/time is missing (apt-get install time)")

    t_start = time.perf_counter()
    exe = os.path.abspath(args.isrckit) if args.isrckit else build_isrckit()
    headtail = build_headtail()
    cmd = isrckit_command(exe)
    log(f"== isrckit command: {os.path.basename(exe)} {' '.join(cmd)} CORPUS")
    if cmd[0] == "inspect":
        log("   (no `isrckit audit` yet: timing `inspect`)")
    cold_ok = args.cold and can_drop_caches()

    if not args.only:
        peer_mode(args, exe, cmd, headtail, cold=False)
        if cold_ok:
            peer_mode(args, exe, cmd, headtail, cold=True)
    if args.long:
        long_mode(args, exe, cmd, headtail, cold=False)
        if cold_ok:
            long_mode(args, exe, cmd, headtail, cold=True)
    if args.memory:
        memory_mode(args, exe, cmd)
    log(f"== compare: done in {time.perf_counter() - t_start:.0f} s")


if __name__ == "__main__":
    main()
