#!/usr/bin/env python3
"""A small GitHub REST API stand-in for artriage's PR lookup tests.

Serves GET /repos/{owner}/{repo}/pulls?head={owner}:{branch}&state=all from a
JSON data file: {"owner/repo": [pull objects as GitHub returns them]} (at least
number, html_url, state, merged_at, created_at, head {ref, sha}).

  python3 server.py --data FILE [--port 0] [--token T] [--limit N] [--reset-in S]
                    [--retry-after S]

Prints "READY <port>" once listening (127.0.0.1 only). --token requires
"Authorization: Bearer T" (or "token T"), else 401. --limit N: requests after the N-th
are refused with 403 and X-RateLimit-Remaining: 0 /
X-RateLimit-Reset (now + --reset-in, default 3600 s); the last allowed
request already says Remaining: 0. --retry-after S: every answer is a 429
with Retry-After: S. GET /_stats returns {"requests": n, "auth": [...]}
(counting API requests only; auth lists whether each one had the token).
"""
import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--token")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--reset-in", type=int, default=3600)
    ap.add_argument("--retry-after", type=int, default=-1)
    args = ap.parse_args()
    with open(args.data) as f:
        data = json.load(f)
    lock = threading.Lock()
    stats = {"requests": 0, "auth": []}
    reset_at = int(time.time()) + args.reset_in

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def send_json(self, code, obj, headers=()):
            body = json.dumps(obj).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            u = urlparse(self.path)
            if u.path == "/_stats":
                with lock:
                    return self.send_json(200, stats)
            auth = self.headers.get("Authorization", "")
            ok_auth = args.token is None or auth in ("Bearer " + args.token, "token " + args.token)
            with lock:
                stats["requests"] += 1
                stats["auth"].append(bool(args.token) and ok_auth)
                n = stats["requests"]
            if not ok_auth:
                return self.send_json(401, {"message": "Bad credentials"})
            if args.retry_after >= 0:
                return self.send_json(429, {"message": "secondary rate limit"},
                                      [("Retry-After", str(args.retry_after))])
            rl = []
            if args.limit:
                remaining = max(args.limit - n, 0)
                rl = [("X-RateLimit-Limit", str(args.limit)),
                      ("X-RateLimit-Remaining", str(remaining)),
                      ("X-RateLimit-Reset", str(reset_at))]
                if n > args.limit:
                    return self.send_json(403, {"message": "API rate limit exceeded"}, rl)
            parts = u.path.strip("/").split("/")
            if len(parts) != 4 or parts[0] != "repos" or parts[3] != "pulls":
                return self.send_json(404, {"message": "Not Found"}, rl)
            repo = parts[1] + "/" + parts[2]
            if repo not in data:
                return self.send_json(404, {"message": "Not Found"}, rl)
            q = parse_qs(u.query)
            head = q.get("head", [None])[0]
            state = q.get("state", ["open"])[0]
            out = []
            for pr in data[repo]:
                if not isinstance(pr, dict) or not isinstance(pr.get("head"), dict):
                    out.append(pr)  # wrong-typed entries are served as they are
                    continue
                ref = pr["head"].get("ref")
                if head is not None:
                    owner, _, branch = head.partition(":")
                    if owner.lower() != parts[1].lower() or ref != branch:
                        continue
                if state != "all" and pr.get("state") != state:
                    continue
                out.append(pr)
            self.send_json(200, out, rl)

    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print("READY %d" % srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
