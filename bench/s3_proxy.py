#!/usr/bin/env python3
"""A small HTTP proxy in front of a local S3 server (moto) that adds
latency to every request, counts requests and bytes, and can inject
faults. Standard library only (asyncio); loopback only.

    python3 bench/s3_proxy.py --upstream 127.0.0.1:5000 --port 0 \
        [--delay-ms 50] [--deny SUBSTRING] [--fail-first N] [--port-file F]

- `--delay-ms`: wait this long before forwarding each request (the round
  trip to a distant store); requests on other connections go on meanwhile.
- `--deny SUBSTRING`: answer 403 AccessDenied to any GET whose path holds
  SUBSTRING (a per-object permission error).
- `--fail-first N`: answer 503 SlowDown to the first N object GETs
  (throttling: the client must retry with backoff).
- Statistics: `GET /__proxy/stats` answers JSON {requests, gets, lists,
  heads, body_bytes, by_method}; `GET /__proxy/reset` zeroes them. Neither
  is forwarded or counted.
- `--port 0` picks a free port; `--port-file F` writes the port there once
  the proxy listens (for scripts and tests).

The proxy speaks HTTP/1.1 with keep-alive, one upstream connection per
client connection, bodies by Content-Length or chunked encoding. Good
enough for the AWS SDKs and object_store against moto; not a general proxy.
"""

import argparse
import asyncio
import json
import os
import sys

STATS = {}


def reset():
    STATS.clear()
    STATS.update(requests=0, gets=0, lists=0, heads=0, body_bytes=0, by_method={})


reset()


async def read_head(reader):
    """Read a request or status line and headers; None at EOF."""
    try:
        data = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    lines = data.decode("latin-1").split("\r\n")
    first = lines[0]
    headers = []
    for line in lines[1:]:
        if not line:
            continue
        k, _, v = line.partition(":")
        headers.append((k.strip(), v.strip()))
    return first, headers, data


def header(headers, name):
    name = name.lower()
    for k, v in headers:
        if k.lower() == name:
            return v
    return None


async def read_body(reader, headers, no_body=False):
    """The raw body bytes (as sent, chunk framing kept) and the payload size."""
    if no_body:
        return b"", 0
    te = header(headers, "transfer-encoding")
    if te and "chunked" in te.lower():
        raw = bytearray()
        size_total = 0
        while True:
            line = await reader.readuntil(b"\r\n")
            raw += line
            size = int(line.split(b";")[0].strip(), 16)
            if size == 0:
                # trailers until an empty line
                while True:
                    t = await reader.readuntil(b"\r\n")
                    raw += t
                    if t == b"\r\n":
                        break
                return bytes(raw), size_total
            chunk = await reader.readexactly(size + 2)
            raw += chunk
            size_total += size
    n = header(headers, "content-length")
    if n is None:
        return b"", 0
    body = await reader.readexactly(int(n))
    return body, len(body)


def respond(status, reason, body, ctype="application/xml"):
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def handle(client_r, client_w, args):
    up_r = up_w = None
    try:
        while True:
            req = await read_head(client_r)
            if req is None:
                break
            first, headers, raw_head = req
            method, target, _ = first.split(" ", 2)
            body, _ = await read_body(client_r, headers)
            if target.startswith("/__proxy/"):
                if target.startswith("/__proxy/reset"):
                    reset()
                out = json.dumps(STATS).encode()
                client_w.write(respond(200, "OK", out, "application/json"))
                await client_w.drain()
                if (header(headers, "connection") or "").lower() == "close":
                    break
                continue
            STATS["requests"] += 1
            STATS["by_method"][method] = STATS["by_method"].get(method, 0) + 1
            path, _, query = target.partition("?")
            is_list = method == "GET" and ("list-type" in query or path.count("/") <= 1)
            if method == "HEAD":
                STATS["heads"] += 1
            elif is_list:
                STATS["lists"] += 1
            elif method == "GET":
                STATS["gets"] += 1
            if args.delay_ms:
                await asyncio.sleep(args.delay_ms / 1000)
            if method == "GET" and not is_list:
                if args.deny and args.deny in path:
                    client_w.write(respond(403, "Forbidden",
                        b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"))
                    await client_w.drain()
                    continue
                if args.fail_first > 0:
                    args.fail_first -= 1
                    client_w.write(respond(503, "Slow Down",
                        b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"))
                    await client_w.drain()
                    continue
            if up_w is None:
                host, port = args.upstream.rsplit(":", 1)
                up_r, up_w = await asyncio.open_connection(host, int(port))
            up_w.write(raw_head + body)
            await up_w.drain()
            resp = await read_head(up_r)
            if resp is None:
                break
            status_line, rheaders, rraw = resp
            status = int(status_line.split(" ", 2)[1])
            no_body = method == "HEAD" or status in (204, 304) or 100 <= status < 200
            rbody, payload = await read_body(up_r, rheaders, no_body)
            STATS["body_bytes"] += payload
            client_w.write(rraw + rbody)
            await client_w.drain()
            conn = (header(rheaders, "connection") or "").lower()
            if conn == "close":
                up_w.close()
                up_w = None
            if (header(headers, "connection") or "").lower() == "close":
                break
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        if up_w is not None:
            up_w.close()
        client_w.close()


async def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--upstream", required=True, help="HOST:PORT of the S3 server (loopback)")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--delay-ms", type=float, default=0)
    ap.add_argument("--deny", default=None)
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--port-file", default=None)
    args = ap.parse_args()
    host = args.upstream.rsplit(":", 1)[0]
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("s3_proxy.py: the upstream must be on loopback")
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, args), "127.0.0.1", args.port, backlog=1024
    )
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, args.port_file)
    print(f"s3_proxy: 127.0.0.1:{port} -> {args.upstream}, +{args.delay_ms} ms", file=sys.stderr)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
