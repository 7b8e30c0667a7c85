#!/usr/bin/env python3
"""Classifier accuracy: runs `artriage classify` over every log of the shared
corpus (../shared/corpus/classifier) and of our own set
(tests/data/classify), each copied to a file named case.log so the name
gives nothing away. Prints per-class precision/recall and overall accuracy;
fails below 90% primary-class accuracy or 85% exact evidence line on the
shared corpus, below 85%/75% on our own set, or if any successful log gets
a primary. Also checks robustness: random bytes and an 8 MiB line exit 0
within 10 s."""
import collections
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

SRC = os.environ.get("ARTRIAGE_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("ARTRIAGE_BIN", os.path.join(SRC, "build", "artriage"))
SHARED = os.path.join(SRC, "..", "shared", "corpus", "classifier")
OWN = os.path.join(SRC, "tests", "data", "classify")


def classify(path, outcome, tmp):
    case = os.path.join(tmp, "case.log")
    shutil.copyfile(path, case)
    cmd = [BIN, "classify", case, "-o", "json"]
    if outcome:
        cmd += ["--outcome", outcome]
    p = subprocess.run(cmd, capture_output=True, timeout=120)
    if p.returncode != 0:
        raise SystemExit("classify %s exited %d: %s" % (path, p.returncode, p.stderr.decode(errors="replace")))
    return json.loads(p.stdout)


def read_labels(d):
    rows = []
    with open(os.path.join(d, "labels.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            if not line.strip():
                continue
            rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    return rows


def score(name, d, tmp):
    rows = read_labels(d)
    ok_class = ok_line = 0
    bad_success = 0
    tp = collections.Counter()
    fp = collections.Counter()
    fn = collections.Counter()
    for row in rows:
        want = row["primary"]
        want_line = int(row["line"] or 0)
        res = classify(os.path.join(d, row["file"]), None if want == "none" else "failed", tmp)
        prim = res.get("primary")
        got = prim["class"] if prim else "none"
        got_line = (prim.get("line") or 0) if prim else 0
        if want == "none" and prim is not None:
            bad_success += 1
        if got == want:
            ok_class += 1
            tp[want] += 1
            if got_line == want_line:
                ok_line += 1
        else:
            fn[want] += 1
            fp[got] += 1
        mark = "ok " if got == want and got_line == want_line else ("cls" if got == want else "BAD")
        print("  %s %-50s want %-28s line %-4d got %-28s line %d" %
              (mark, row["file"][:50], want, want_line, got, got_line))
    n = len(rows)
    print("%s: %d logs" % (name, n))
    print("  %-28s %9s %7s" % ("class", "precision", "recall"))
    for c in sorted(set(tp) | set(fn) | set(fp)):
        prec = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else 0.0
        rec = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else 0.0
        print("  %-28s %9.2f %7.2f" % (c, prec, rec))
    acc = ok_class / n if n else 0.0
    lacc = ok_line / n if n else 0.0
    print("%s: primary accuracy %.1f%% (%d/%d), exact evidence line %.1f%% (%d/%d), primary on success logs: %d"
          % (name, 100 * acc, ok_class, n, 100 * lacc, ok_line, n, bad_success))
    return acc, lacc, bad_success


def robustness(tmp):
    rnd = random.Random(7)
    blob = bytes(rnd.getrandbits(8) for _ in range(3 * 1024 * 1024))
    longline = b"x" * (8 * 1024 * 1024 - 40) + b" Segmentation fault " + b"y" * 20 + b"\n"
    for label, data in (("random bytes", blob), ("8 MiB line", longline)):
        path = os.path.join(tmp, "case.log")
        with open(path, "wb") as f:
            f.write(data)
        t0 = time.time()
        p = subprocess.run([BIN, "classify", path, "--outcome", "failed", "-o", "json"],
                           capture_output=True, timeout=60)
        dt = time.time() - t0
        if p.returncode != 0 or dt > 10:
            raise SystemExit("robustness %s: exit %d after %.1fs: %s" % (label, p.returncode, dt, p.stderr[:300]))
        res = json.loads(p.stdout)
        if res["bytes"] != len(data):
            raise SystemExit("robustness %s: bytes %d, want %d" % (label, res["bytes"], len(data)))
        if label == "8 MiB line" and (res["primary"]["class"] != "runtime.crash" or res["primary"]["line"] != 1):
            raise SystemExit("robustness 8 MiB line: a crash at the end of the line was not found: %r" % res["primary"])
        print("robustness %s: exit 0 in %.2fs" % (label, dt))


def main():
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        acc, lacc, bad = score("shared corpus", SHARED, tmp)
        if acc < 0.90:
            failures.append("shared corpus primary accuracy %.1f%% < 90%%" % (100 * acc))
        if lacc < 0.85:
            failures.append("shared corpus exact evidence line %.1f%% < 85%%" % (100 * lacc))
        if bad:
            failures.append("%d successful shared logs got a primary" % bad)
        if os.path.isdir(OWN):
            acc, lacc, bad = score("own set", OWN, tmp)
            if acc < 0.85:
                failures.append("own set primary accuracy %.1f%% < 85%%" % (100 * acc))
            if lacc < 0.75:
                failures.append("own set exact evidence line %.1f%% < 75%%" % (100 * lacc))
            if bad:
                failures.append("%d successful own logs got a primary" % bad)
        robustness(tmp)
    if failures:
        print("FAIL: " + "; ".join(failures))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
