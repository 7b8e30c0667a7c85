#!/usr/bin/env python3
"""scripts/demo_now.py SEED OUT: a copy of the demo scenario SEED whose times
are shifted so that the incident happens now (make demo).

Every RFC 3339 time in the objects and the live script moves by one offset
(so order and spacing stay true): the scripted runs' first change lands as
the server starts, and the incident's attempts, which came before it, lie
in the hours just before now. Logs carry no times (the server stamps them
from the shifted container times), so they are linked, not copied. Prints
the offset in seconds."""
import datetime as dt
import json
import os
import re
import shutil
import sys

TIME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z")


def parse(m):
    t = dt.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.timezone.utc)
    if m.group(2):
        t += dt.timedelta(seconds=float("0" + m.group(2)))
    return t


def shift_text(text, delta):
    def sub(m):
        t = parse(m) + delta
        if m.group(2):
            digits = len(m.group(2)) - 1
            frac = ("%.*f" % (digits, t.microsecond / 1e6))[1:]
            return t.strftime("%Y-%m-%dT%H:%M:%S") + frac + "Z"
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    return TIME.sub(sub, text)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: demo_now.py SEED OUT")
    seed, out = sys.argv[1], sys.argv[2]
    script = os.path.join(seed, "script.jsonl")
    # the anchor: the first scripted change that carries a time, at its "at"
    anchor = None
    with open(script, encoding="utf-8") as f:
        for line in f:
            op = json.loads(line)
            times = [parse(m) for m in TIME.finditer(line)]
            if times:
                anchor = max(times) - dt.timedelta(seconds=float(op.get("at", 0)))
                break
    if anchor is None:
        sys.exit("demo_now.py: %s has no timed change to anchor on" % script)
    texts = {}
    for name in sorted(os.listdir(os.path.join(seed, "objects"))):
        with open(os.path.join(seed, "objects", name), encoding="utf-8") as f:
            texts[name] = f.read()
        # nothing the server holds at start may lie in the future
        for m in TIME.finditer(texts[name]):
            anchor = max(anchor, parse(m))
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    delta = now - anchor
    os.makedirs(os.path.join(out, "objects"), exist_ok=True)
    for name, text in texts.items():
        with open(os.path.join(out, "objects", name), "w", encoding="utf-8") as f:
            f.write(shift_text(text, delta))
    with open(script, encoding="utf-8") as f:
        text = f.read()
    with open(os.path.join(out, "script.jsonl"), "w", encoding="utf-8") as f:
        f.write(shift_text(text, delta))
    for name in os.listdir(seed):
        if name not in ("objects", "script.jsonl") and not os.path.exists(os.path.join(out, name)):
            src = os.path.abspath(os.path.join(seed, name))
            os.symlink(src, os.path.join(out, name))
    print(int(delta.total_seconds()))


if __name__ == "__main__":
    main()
