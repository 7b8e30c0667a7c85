#!/usr/bin/env python3
"""scripts/demo_now.py (make demo): the demo seed replayed now. Every time
moves by one offset (order and spacing kept, nothing else in the files
changes), nothing the server starts with lies in the future, the newest
lies within a minute of now, and the incident's lane was created within
the last two hours."""
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile

SRC = os.environ["ARTRIAGE_SRC"]
seed = os.path.join(SRC, "data", "demo", "seed")
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")
fails = []


def parse(s):
    s = s[:-1]
    fmt = "%Y-%m-%dT%H:%M:%S.%f" if "." in s else "%Y-%m-%dT%H:%M:%S"
    return dt.datetime.strptime(s, fmt).replace(tzinfo=dt.timezone.utc)


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "seed")
    before = dt.datetime.now(dt.timezone.utc)
    offset = int(subprocess.run([sys.executable, os.path.join(SRC, "scripts", "demo_now.py"), seed, out],
                                check=True, capture_output=True, text=True).stdout)
    after = dt.datetime.now(dt.timezone.utc)
    newest = None
    for rel in [os.path.join("objects", n) for n in sorted(os.listdir(os.path.join(seed, "objects")))] + ["script.jsonl"]:
        a = open(os.path.join(seed, rel), encoding="utf-8").read()
        b = open(os.path.join(out, rel), encoding="utf-8").read()
        ta, tb = TIME.findall(a), TIME.findall(b)
        if len(ta) != len(tb) or TIME.sub("T", a) != TIME.sub("T", b):
            fails.append("%s: more than the times changed" % rel)
            continue
        for x, y in zip(ta, tb):
            if (parse(y) - parse(x)).total_seconds() != offset:
                fails.append("%s: %s became %s, not +%ds" % (rel, x, y, offset))
                break
        if rel != "script.jsonl":
            for y in tb:
                newest = max(newest, parse(y)) if newest else parse(y)
    if newest > after:
        fails.append("an object starts in the future: %s" % newest)
    if newest < before - dt.timedelta(seconds=60):
        fails.append("the newest object is %s, not within a minute of now" % newest)
    if not os.path.isdir(os.path.join(out, "logs")):
        fails.append("no logs in the shifted scenario")
    runs = open(os.path.join(out, "objects", "10-agentruns.json"), encoding="utf-8").read()
    items = json.loads(runs)["items"]
    created = [parse(r["metadata"]["creationTimestamp"]) for r in items
               if r["metadata"]["name"].startswith("torghut-v5-doc12-dspy-adoption-run-20260225")]
    if len(created) < 4:
        fails.append("the incident's lane has %d runs" % len(created))
    elif min(created) < before - dt.timedelta(hours=2):
        fails.append("the lane's first attempt is %s old" % (before - min(created)))

for f in fails:
    print("FAIL:", f)
print("offset %d s" % offset)
sys.exit(1 if fails else 0)
