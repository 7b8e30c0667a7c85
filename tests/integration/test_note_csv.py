#!/usr/bin/env python3
"""Notes and the timeline's CSV, from the CLI on a history cache:

- `note add` / `note list` (text and -o json, --since/--until) / `note rm`:
  ids, times and texts round-trip; `rm` removes exactly that note and a
  second `rm` of it fails with one line; a bad id is a usage error (2);
- `note list` text output is sanitised (a note's escape sequences, BEL, CR
  come out as visible text, never raw), -o json keeps the text exactly;
- `timeline -o csv` quotes what needs quoting: a note with commas, double
  quotes and a line break reads back, through a CSV reader, as the same
  text in the `text` column."""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import BIN, check, verdict  # noqa: E402

HOSTILE = "deploy \x1b]0;PWNED\x07 title \x1b[2J clear\rCR \x9b31m c1"
QUOTED = 'fix "merged", then reverted, "again"; see #3644, 1cc0ecd2'
TWO_LINES = 'first line, with a comma\nsecond "line"'
COMMA = "rolled back, then redeployed"


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-note.")
    db = os.path.join(tmp, "history.db")
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "cache"),
               XDG_CONFIG_HOME=os.path.join(tmp, "config"))

    def run(*args):
        p = subprocess.run([BIN, "--db", db, "--offline"] + list(args), capture_output=True,
                           timeout=60, env=env)
        return p.returncode, p.stdout, p.stderr.decode(errors="replace")

    try:
        ids = {}
        for at, text in (("2026-02-25T09:05:00Z", QUOTED), ("2026-02-25T09:24:00Z", HOSTILE),
                         ("2026-02-25T10:00:00Z", TWO_LINES), ("2026-02-26T12:00:00Z", "later"),
                         ("2026-02-27T08:00:00Z", COMMA)):
            rc, out, err = run("note", "add", "--at", at, text)
            check(rc == 0, "note add %r: %d %s" % (text[:20], rc, err))
            words = out.decode().split()
            check(out.decode().startswith("note ") and ("added at %s" % at) in out.decode(),
                  "note add says which note and when: %r" % out)
            ids[text] = int(words[1]) if len(words) > 1 and words[1].isdigit() else -1

        # json: exact texts, times, ids, in time order
        rc, out, err = run("note", "list", "-o", "json")
        notes = json.loads(out) if rc == 0 else []
        check([n["text"] for n in notes] == [QUOTED, HOSTILE, TWO_LINES, "later", COMMA],
              "note list -o json: the texts, exactly, in time order: %r" % [n.get("text") for n in notes])
        check([n["time"] for n in notes] == ["2026-02-25T09:05:00Z", "2026-02-25T09:24:00Z",
                                             "2026-02-25T10:00:00Z", "2026-02-26T12:00:00Z",
                                             "2026-02-27T08:00:00Z"],
              "note list -o json: times: %r" % [n.get("time") for n in notes])
        check([n["id"] for n in notes] == [ids[t] for t in (QUOTED, HOSTILE, TWO_LINES, "later", COMMA)],
              "note list -o json: the ids note add printed")

        # text: one line per note, sanitised
        rc, out, err = run("note", "list")
        check(rc == 0, "note list: %d %s" % (rc, err))
        for bad in (b"\x1b", b"\x07", b"\r", b"\x9b", b"\xc2\x9b"):
            check(bad not in out, "note list text output carries raw %r: %r" % (bad, out))
        lines = out.decode(errors="replace").splitlines()
        hostile = [ln for ln in lines if ln.startswith("%d  " % ids[HOSTILE])]
        check(len(hostile) == 1 and "2026-02-25T09:24:00Z" in hostile[0] and "PWNED" in hostile[0]
              and "^[" in hostile[0], "the hostile note's line shows its escapes as text: %r" % hostile)
        check(any(ln.startswith("%d  2026-02-25T09:05:00Z  %s" % (ids[QUOTED], QUOTED)) for ln in lines),
              "a plain note's line is id, time, text: %r" % lines)

        # --since / --until select by time
        rc, out, err = run("note", "list", "--since", "2026-02-25T09:20:00Z",
                           "--until", "2026-02-25T12:00:00Z", "-o", "json")
        check(rc == 0 and [n["text"] for n in json.loads(out)] == [HOSTILE, TWO_LINES],
              "note list --since/--until: %r" % out[:300])

        # CSV: quoting that a CSV reader undoes
        rc, out, err = run("timeline", "-o", "csv")
        check(rc == 0, "timeline -o csv: %d %s" % (rc, err))
        rows = list(csv.DictReader(io.StringIO(out.decode())))
        texts = [r.get("text", "") for r in rows if r.get("kind") == "note"]
        check(any(QUOTED in t for t in texts),
              "timeline -o csv: a note with quotes and commas reads back whole: %r" % texts)
        check(any(TWO_LINES.split("\n")[0] in t and "second \"line\"" in t for t in texts),
              "timeline -o csv: a note with a line break stays one field: %r" % texts)
        check(COMMA in texts, "timeline -o csv: a note with commas only reads back whole: %r" % texts)
        check(b"\x1b" not in out and b"\x07" not in out, "timeline -o csv carries raw escapes: %r" % out)
        check(all(len(r) == len(rows[0]) and None not in r for r in rows) if rows else False,
              "timeline -o csv: every row has the header's columns")

        # order within one second: by the millisecond, not by text (the
        # output shows seconds only, so the texts tell the order)
        for at, text in (("2026-02-28T08:00:00.700Z", "tie a, later in the second"),
                         ("2026-02-28T08:00:00.200Z", "tie b, earlier in the second")):
            rc, out, err = run("note", "add", "--at", at, text)
            check(rc == 0, "note add at %s: %s" % (at, err))
        rc, out, err = run("timeline", "-o", "json")
        ties = [e["text"] for e in json.loads(out)["events"] if e["text"].startswith("tie ")] if rc == 0 else []
        check(ties == ["tie b, earlier in the second", "tie a, later in the second"],
              "timeline orders events within a second by their time: %r" % ties)

        # rm: exactly that note; again: one line, exit 1; bad ids: usage
        rc, out, err = run("note", "rm", str(ids[HOSTILE]))
        check(rc == 0 and out.decode().strip() == "note %d removed" % ids[HOSTILE],
              "note rm: %d %r %s" % (rc, out, err))
        rc, out, err = run("note", "list", "-o", "json")
        check(rc == 0 and [n["text"] for n in json.loads(out)] == [QUOTED, TWO_LINES, "later", COMMA, "tie b, earlier in the second",
                                                             "tie a, later in the second"],
              "note rm removed exactly that note: %r" % out[:300])
        rc, out, err = run("note", "rm", str(ids[HOSTILE]))
        check(rc == 1 and err.count("\n") == 1 and ("no note %d" % ids[HOSTILE]) in err,
              "note rm of a removed note: %d %r" % (rc, err))
        for bad in ("0", "-3", "x1", ""):
            rc, out, err = run("note", "rm", bad)
            check(rc == 2, "note rm %r is a usage error: %d %r" % (bad, rc, err))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
