#!/usr/bin/env python3
"""Object storage benchmark: `isrckit audit s3://…` against the peers' ways
of checking codes in a bucket, on a local S3 server (moto) behind a proxy
that adds latency to every request (bench/s3_proxy.py).

    VENV/bin/python bench/objstore.py [--files 1000] [--long-seconds 30]
        [--delays 0,50] [--runs 3] [--isrckit PATH] [--threads 10]

Run it with the Python of a virtual environment holding moto[server] and
mutagen (`python3 -m venv V && V/bin/pip install 'moto[server]==5.2.5'
mutagen`). Everything listens on 127.0.0.1 only.

What it times, for each added delay (milliseconds per request):

| row | what |
| --- | --- |
| isrckit | `isrckit audit --format json s3://bench/c/` (64 objects in flight, range reads) |
| isrckit --jobs 1 | the same, one object at a time: a reader that waits for each request in turn |
| download + audit | a boto3 loop downloads every object (`--threads` at once, the AWS CLI's default 10), then `isrckit audit` on the copy |
| mutagen, whole objects | a boto3 loop fetches each object whole into memory and mutagen reads its tags (`--threads` at once) |

For each: seconds (median of `--runs`), objects/s, requests and bytes the
proxy carried, bytes per master, and how many times isrckit's speed the row
reaches. Last, the share of its throughput each method keeps with the
largest delay. The corpus is bench/make_corpus.py's (every container), with
`--long-seconds` of audio per master so that a master is larger than the
metadata a reader needs.
"""

import argparse
import concurrent.futures as cf
import io
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

BUCKET = "bench"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, what):
    t0 = time.time()
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.time() - t0 > 60:
                sys.exit(f"objstore.py: {what} did not start")
            time.sleep(0.1)


def start_proxy(upstream, delay):
    d = tempfile.mkdtemp()
    pf = os.path.join(d, "port")
    p = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "s3_proxy.py"), "--upstream", upstream,
         "--port", "0", "--port-file", pf, "--delay-ms", str(delay)],
        stderr=subprocess.DEVNULL,
    )
    t0 = time.time()
    while not os.path.exists(pf):
        if time.time() - t0 > 30:
            sys.exit("objstore.py: the proxy did not start")
        time.sleep(0.05)
    with open(pf) as f:
        port = int(f.read())
    shutil.rmtree(d)
    return p, port


def stats(port, reset=False):
    url = f"http://127.0.0.1:{port}/__proxy/{'reset' if reset else 'stats'}"
    req = urllib.request.Request(url, headers={"Connection": "close"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def env_for(port):
    e = dict(os.environ)
    for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3"):
        e.pop(k, None)
    e.update(
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_REGION="us-east-1",
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
        AWS_EC2_METADATA_DISABLED="true",
    )
    return e


def client(port, threads):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(max_pool_connections=threads + 4),
    )


def keys(s3):
    out = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="c/"):
        out += [o["Key"] for o in page.get("Contents", [])]
    return out


def run_isrckit(isrckit, port, jobs=None):
    cmd = [isrckit, "audit", "--format", "json", "--no-config", "--exit-zero"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    cmd.append(f"s3://{BUCKET}/c/")
    out = subprocess.run(cmd, env=env_for(port), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if out.returncode != 0:
        sys.exit(f"objstore.py: {' '.join(cmd)} failed: {out.stderr.decode()}")
    v = json.loads(out.stdout)
    return v["summary"]["files"], v


def run_download(isrckit, port, threads):
    s3 = client(port, threads)
    d = tempfile.mkdtemp(prefix="isrckit-dl-")
    try:
        ks = keys(s3)

        def get(k):
            p = os.path.join(d, k)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            s3.download_file(BUCKET, k, p)

        with cf.ThreadPoolExecutor(threads) as ex:
            list(ex.map(get, ks))
        out = subprocess.run(
            [isrckit, "audit", "--format", "json", "--no-config", "--exit-zero", os.path.join(d, "c")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        return json.loads(out.stdout)["summary"]["files"], None
    finally:
        shutil.rmtree(d)


def run_mutagen(port, threads):
    import mutagen
    from mutagen_scan import codes

    s3 = client(port, threads)
    ks = keys(s3)
    found = [0]

    def read(k):
        body = s3.get_object(Bucket=BUCKET, Key=k)["Body"].read()
        try:
            f = mutagen.File(io.BytesIO(body))
        except Exception:
            f = None
        isrc, _ = codes(getattr(f, "tags", None))
        return bool(isrc)

    with cf.ThreadPoolExecutor(threads) as ex:
        found[0] = sum(ex.map(read, ks))
    return len(ks), found[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--long-seconds", type=float, default=30)
    ap.add_argument("--delays", default="0,50")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=10)
    ap.add_argument("--isrckit", default=None)
    ap.add_argument("--skip", default="", help="comma-separated rows to leave out: jobs1,download,mutagen")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))

    isrckit = args.isrckit
    if not isrckit:
        subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
        isrckit = os.path.join(ROOT, "target", "release", "isrckit")
    corpus = os.path.join(HERE, f".corpus-s3-{args.files}-{int(args.long_seconds)}")
    if not os.path.isdir(corpus):
        subprocess.run(
            ["/usr/bin/python3", os.path.join(HERE, "make_corpus.py"), corpus,
             "--files", str(args.files), "--long-seconds", str(args.long_seconds), "--problems"],
            check=True,
        )
    moto = os.path.join(os.path.dirname(sys.executable), "moto_server")
    mport = free_port()
    mp = subprocess.Popen([moto, "-H", "127.0.0.1", "-p", str(mport)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs = [mp]
    try:
        wait_port(mport, "moto_server")
        subprocess.run([sys.executable, os.path.join(HERE, "s3_upload.py"),
                        f"http://127.0.0.1:{mport}", BUCKET, corpus, "c/"],
                       check=True, stdout=subprocess.DEVNULL)
        total = 0
        for dp, _, names in os.walk(corpus):
            total += sum(os.path.getsize(os.path.join(dp, n)) for n in names)
        print(f"corpus: {corpus}: {total / 1e6:.1f} MB in the bucket; moto on 127.0.0.1:{mport}")
        rows = []
        delays = [float(x) for x in args.delays.split(",")]
        for delay in delays:
            proxy, pport = start_proxy(f"127.0.0.1:{mport}", delay)
            procs.append(proxy)
            methods = [("isrckit", lambda: run_isrckit(isrckit, pport))]
            if "jobs1" not in skip:
                methods.append(("isrckit --jobs 1", lambda: run_isrckit(isrckit, pport, 1)))
            if "download" not in skip:
                methods.append(("download + audit", lambda: run_download(isrckit, pport, args.threads)))
            if "mutagen" not in skip:
                methods.append(("mutagen, whole objects", lambda: run_mutagen(pport, args.threads)))
            for name, fn in methods:
                runs = 1 if (name == "isrckit --jobs 1" and delay > 0) else args.runs
                times, st, n = [], None, 0
                for _ in range(runs):
                    stats(pport, reset=True)
                    t0 = time.perf_counter()
                    n, _ = fn()
                    times.append(time.perf_counter() - t0)
                    st = stats(pport)
                t = statistics.median(times)
                rows.append(dict(method=name, delay=delay, seconds=t, objects=n,
                                 per_s=n / t, requests=st["requests"],
                                 bytes=st["body_bytes"]))
                print(f"  {name:24} +{delay:3.0f} ms  {t:7.2f} s  {n / t:8.0f} objects/s  "
                      f"{st['requests']:6} requests  {st['body_bytes'] / 1e6:8.1f} MB  "
                      f"{st['body_bytes'] / max(n, 1) / 1024:8.1f} KiB/master", flush=True)
            proxy.terminate()
            proxy.wait()
            procs.remove(proxy)
        print()
        print("| method | added latency | objects/s | requests per master | KiB per master | × isrckit's speed |")
        print("| --- | --- | --- | --- | --- | --- |")
        for r in rows:
            base = next(x for x in rows if x["method"] == "isrckit" and x["delay"] == r["delay"])
            print(f"| {r['method']} | {r['delay']:.0f} ms | {r['per_s']:.0f} | "
                  f"{r['requests'] / r['objects']:.2f} | {r['bytes'] / r['objects'] / 1024:.1f} | "
                  f"{r['per_s'] / base['per_s']:.2f} |")
        if len(delays) > 1:
            hi = max(delays)
            print()
            print(f"Throughput kept with +{hi:.0f} ms per request (against +{min(delays):.0f} ms):")
            for name in dict.fromkeys(r["method"] for r in rows):
                lo_r = [r for r in rows if r["method"] == name and r["delay"] == min(delays)]
                hi_r = [r for r in rows if r["method"] == name and r["delay"] == hi]
                if lo_r and hi_r:
                    kept = hi_r[0]["per_s"] / lo_r[0]["per_s"]
                    mark = ""
                    if name == "isrckit":
                        mark = "  PASS (target ≥ 70%)" if kept >= 0.7 else "  FAIL (target ≥ 70%)"
                    print(f"  {name:24} {kept * 100:5.1f}%{mark}")
    finally:
        for p in procs:
            p.terminate()
            p.wait()


if __name__ == "__main__":
    main()
