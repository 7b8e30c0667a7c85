#!/usr/bin/env python3
"""The wording model end to end (issue #15 item 5): every failed log of the
training sets (scripts/train-model.py SETS) classified by the binary with
only the marker rules (data/rules/90-markers.rules: no rule names a cause,
so every log reaches the second stage) and a model trained without the
log's set, at the thresholds of the shipped model (chosen by the training
script's leave-one-set-out). It measures, it asserts nothing.

For each failed log the engine's --explain says what the model read:
  block  an error block a marker found (the labelled-line blocks of the
         training script's table are the ideal of these);
  bare   the non-blank lines before a bare failure line ("exited with code 1");
  tail   the last non-blank lines of a log with no failure line;
  none   nothing: the model was not asked.
  rule   (--all-rules only) a rule named the cause; the model was not asked.
A log is right when the primary is the model's (or, kind rule, the rule's)
and names the labelled class, wrong when it names another, abstained when it
stays unknown (a log labelled unknown that stays unknown is abstained too).
  --all-rules     every shipped rule instead of the markers only: what the
                  model adds to the rules on each held-out set.

  --write-blocks  also writes tests/data/fallback-blocks.tsv, the lines each
                  failed log's fallback block spans, which the training script
                  reads to choose the fallback threshold (rerun it when a set
                  is added to SETS or the engine's locator changes; the
                  blocks do not depend on the model).
  --check-blocks  exits 1 if that file is not what the engine reads now, or if
                  the engine and the script disagree on a block.
  --sets a,b      only these sets (default: SETS).
  -v              one line per log.
  --misses        lists the logs whose class is right but whose evidence line
                  is not the labelled one: the labelled line, the line chosen,
                  and whether the labelled line lies in the block the model read.
Each log is handed over with its lone CRs made LFs (as score_blind does), so
line numbers are the labels'. The engine's confidences are compared with the
training script's on the same block; a difference is reported.

Environment: ARTRIAGE_BIN (default build-rel/artriage, then build/artriage)."""
import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("train_model", os.path.join(ROOT, "scripts", "train-model.py"))
tm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tm)

RE_TAIL = re.compile(r"^no failure line: the wording model reads the last (\d+) non-blank lines \(from line (\d+)\)$", re.M)
RE_BARE = re.compile(r"^a bare failure line: the wording model reads the (\d+) non-blank lines before it "
                     r"\(from line (\d+)\)$", re.M)
RE_TB = re.compile(r"^the error block is a traceback: the wording model reads it from its exception line (\d+)$", re.M)
RE_MODEL = re.compile(r"^model .*: (\S+) ([0-9.]+) \(next ", re.M)
KINDS = ("block", "bare", "tail", "none", "rule")
RULES = ["90-markers.rules"]  # --all-rules: every shipped rules file


def find_bin():
    env = os.environ.get("ARTRIAGE_BIN")
    if env:
        return env
    for d in ("build-rel", "build"):
        p = os.path.join(ROOT, d, "artriage")
        if os.access(p, os.X_OK):
            return p
    sys.exit("no artriage binary: build it or set ARTRIAGE_BIN")


def shipped_thresholds():
    th = {}
    with open(os.path.join(ROOT, "data", "model", "classes.nb"), encoding="utf-8") as f:
        for ln in f:
            k = ln.split()
            if len(k) == 2 and k[0] in ("threshold", "fallback_threshold"):
                th[k[0]] = float(k[1])
    return th["threshold"], th.get("fallback_threshold", th["threshold"])


def failed_logs(s):
    d = os.path.join(ROOT, "tests", "data", s)
    with open(os.path.join(d, "labels.tsv"), encoding="utf-8") as f:
        rows = [r.rstrip("\n").split("\t") for r in f][1:]
    return [(r[0], r[1]) for r in rows if len(r) >= 2 and r[1] not in tm.SKIP]


def labelled_lines(s):
    """{file: labelled line} of the set's failed logs."""
    d = os.path.join(ROOT, "tests", "data", s)
    with open(os.path.join(d, "labels.tsv"), encoding="utf-8") as f:
        rows = [r.rstrip("\n").split("\t") for r in f][1:]
    return {r[0]: int(r[2]) for r in rows if len(r) >= 3 and r[2].isdigit()}


def model_window(model_text):
    return next(int(k[1]) for k in (ln.split() for ln in model_text.splitlines()) if len(k) == 2 and k[0] == "window")


def run_set(binary, s, model_text, tmp):
    """Classifies the set's failed logs in one process; returns
    {file: (label, kind, first, count, class or None, confidence, model class, model confidence)}."""
    for sub in ("rules", "model", "logs", "xdg"):
        os.makedirs(os.path.join(tmp, sub), exist_ok=True)
    for r in RULES:
        shutil.copy(os.path.join(ROOT, "data", "rules", r), os.path.join(tmp, "rules"))
    with open(os.path.join(tmp, "model", "classes.nb"), "w", encoding="utf-8") as f:
        f.write(model_text)
    logs = failed_logs(s)
    args, names = [], {}
    for i, (fn, _) in enumerate(logs):
        with open(os.path.join(ROOT, "tests", "data", s, fn), "rb") as f:
            data = re.sub(rb"\r(?!\n)", b"\n", f.read())
        p = os.path.join(tmp, "logs", "case%03d.log" % i)
        with open(p, "wb") as f:
            f.write(data)
        args.append(p)
        names[p] = fn
    env = dict(os.environ, ARTRIAGE_RULES=os.path.join(tmp, "rules"), XDG_CONFIG_HOME=os.path.join(tmp, "xdg"),
               HOME=tmp)
    p = subprocess.run([binary, "classify", *args, "--outcome", "failed", "--explain", "-o", "json"],
                       capture_output=True, env=env, timeout=600)
    if p.returncode not in (0, 1):
        sys.exit("%s: classify exited %d: %s" % (s, p.returncode, p.stderr.decode(errors="replace")[:500]))
    labels = dict(logs)
    out = {}
    for ln in p.stdout.decode("utf-8", errors="replace").splitlines():
        o = json.loads(ln)
        fn = names[o["file"]]
        ex = o.get("explain", "")
        kind, first, count = "none", 0, 0
        m = RE_TAIL.search(ex) or RE_BARE.search(ex)
        if m:
            kind = "tail" if m.re is RE_TAIL else "bare"
            count, first = int(m.group(1)), int(m.group(2))
        mm = RE_MODEL.search(ex)
        pr = o.get("primary") or {}
        if pr.get("class") != "unknown" and pr.get("by") != "model":
            kind = "rule"  # a rule named the cause: the model was not asked
        elif kind == "none" and mm:
            # the error block: its first line is the primary line, and the
            # model read it and the window-1 lines after it
            kind, first, count = "block", pr.get("line") or 0, model_window(model_text)
            tb = RE_TB.search(ex)
            if tb:  # a traceback's block starts at its exception line, whatever unknown points at
                first = int(tb.group(1))
        # the model's class, or with --all-rules the rule's (kind "rule")
        cls = pr.get("class") if pr.get("by") == "model" or kind == "rule" else None
        out[fn] = (labels[fn], kind, first, count, cls, pr.get("confidence"),
                   mm.group(1) if mm else None, float(mm.group(2)) if mm else None, pr.get("line") or 0)
    if len(out) != len(logs):
        sys.exit("%s: %d of %d logs answered" % (s, len(out), len(logs)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets")
    ap.add_argument("--write-blocks", action="store_true")
    ap.add_argument("--check-blocks", action="store_true",
                    help="exit 1 if tests/data/fallback-blocks.tsv is not what the engine reads now")
    ap.add_argument("--all-rules", action="store_true",
                    help="every shipped rule, not only the markers: what the model adds where no rule names a cause")
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--misses", action="store_true",
                    help="list the right-class logs whose evidence line is not the labelled one")
    a = ap.parse_args()
    if a.all_rules:
        if a.write_blocks or a.check_blocks:
            sys.exit("the blocks file is the marker rules' blocks: leave out --all-rules")
        RULES[:] = sorted(f for f in os.listdir(os.path.join(ROOT, "data", "rules")) if f.endswith(".rules"))
    sets = a.sets.split(",") if a.sets else tm.SETS
    binary = find_bin()
    th, fth = shipped_thresholds()
    print("binary %s; %s; model per set trained without it; threshold %.3f, fallback %.3f"
          % (binary, "every shipped rule" if a.all_rules else "marker rules only", th, fth))
    docs = tm.load(ROOT, tm.SETS)
    tally = {k: [0, 0, 0] for k in KINDS}  # right, wrong, abstained
    line_right = {k: 0 for k in KINDS}  # right class and the labelled line
    per_set, rows, mismatch, misses = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for s in sets:
            m = tm.train([d for d in docs if d[0] != s])
            res = run_set(binary, s, tm.render(m, th, fth), os.path.join(tmp, s))
            row = [0, 0, 0]
            want_line = labelled_lines(s)
            for fn in sorted(res):
                label, kind, first, count, cls, conf, mcls, mconf, pline = res[fn]
                verdict = 2 if cls is None else 0 if cls == label else 1
                tally[kind][verdict] += 1
                line_right[kind] += verdict == 0 and pline == want_line.get(fn)
                if a.misses and verdict == 0 and pline != want_line.get(fn):
                    misses.append((s, fn, kind, first, count, want_line.get(fn), pline))
                row[verdict] += 1
                rows.append((s, fn, kind, first, count))
                if kind in ("bare", "tail", "block"):
                    lines = tm.read_lines(os.path.join(ROOT, "tests", "data", s, fn))
                    text = (tm.fallback_block(lines, first, count) if kind != "block"
                            else tm.error_block(lines, first, count))
                    pcls, pconf = tm.predict(m, tm.tokens(text))
                    if pcls != mcls or abs(pconf - mconf) > 0.0015:
                        mismatch.append("%s/%s: engine %s %.3f, script %s %.3f" % (s, fn, mcls, mconf, pcls, pconf))
                if a.v:
                    print("  %s/%s: %s label %s -> %s%s" % (s, fn, kind, label, cls or "unknown",
                                                           " (%.3f)" % conf if conf else ""))
            per_set.append((s, *row))
    if misses:
        print("right class, another line (%d):" % len(misses))
        for s, fn, kind, first, count, want, got in misses:
            lines = tm.read_lines(os.path.join(ROOT, "tests", "data", s, fn))

            def at(n):
                return lines[n - 1].strip()[:110] if n and 0 < n <= len(lines) else "-"
            if kind == "block":
                last = first + count - 1
            else:
                nb, last = 0, first - 1
                while nb < count and last < len(lines):
                    last += 1
                    nb += tm.nonblank(lines[last - 1])
            inside = want is not None and first <= want <= last
            print("  %s/%s %s [%d..%d] labelled %s%s\n      want: %s\n      got %d: %s"
                  % (s, fn, kind, first, last, want, "" if inside else " (outside the block)",
                     at(want), got, at(got)))
    print("per set:  set                 right  wrong  abstained")
    for s, r, w, ab in per_set:
        print("          %-18s  %5d  %5d  %9d" % (s, r, w, ab))
    print("per block kind:  kind   logs  right  wrong  abstained  precision  line right")
    tot = [0, 0, 0]
    for k in KINDS + ("all",):
        r, w, ab = tot if k == "all" else tally[k]
        if k != "all":
            tot = [x + y for x, y in zip(tot, tally[k])]
        lr = sum(line_right.values()) if k == "all" else line_right[k]
        print("                 %-5s  %4d  %5d  %5d  %9d  %9s  %10s" % (k, r + w + ab, r, w, ab,
                                                                    "%.3f" % (r / (r + w)) if r + w else "-",
                                                                    "%d/%d" % (lr, r)))
    fb = [x + y for x, y in zip(tally["bare"], tally["tail"])]
    print("fallback (bare+tail): right %d, wrong %d, abstained %d, precision %s"
          % (fb[0], fb[1], fb[2], "%.3f" % (fb[0] / (fb[0] + fb[1])) if fb[0] + fb[1] else "-"))
    if mismatch:
        print("engine and script disagree on %d blocks:" % len(mismatch))
        for x in mismatch[:20]:
            print("  " + x)
        if a.check_blocks:
            return 1
    else:
        print("engine and script agree on every block's class and confidence")
    path = os.path.join(ROOT, tm.FALLBACK)
    if a.check_blocks:
        with open(path, encoding="utf-8") as f:
            have = {tuple(r.rstrip("\n").split("\t")) for r in f if r.strip() and not r.startswith("#")}
        now = {(s, fn, kind, str(first), str(count)) for s, fn, kind, first, count in rows}
        if not a.sets:
            stale = sorted(have ^ now)
        else:
            stale = sorted((have ^ now) & {r for r in have | now if r[0] in sets})
        if stale:
            print("%s differs from what the engine reads now in %d rows (%s ...): rerun "
                  "bench/model_fallback.py --write-blocks, then scripts/train-model.py"
                  % (tm.FALLBACK, len(stale), ", ".join("/".join(r[:3]) for r in stale[:3])))
            return 1
        print("%s is up to date" % tm.FALLBACK)
    if a.write_blocks:
        if a.sets:
            sys.exit("--write-blocks writes the blocks of every set of SETS: leave out --sets")
        with open(path, "w", encoding="utf-8") as f:
            f.write("# Written by bench/model_fallback.py --write-blocks: for every failed log of the training\n"
                    "# sets, what the engine hands the wording model with only the marker rules: kind block\n"
                    "# (an error block: its first line and the window), bare or tail (the first line and how\n"
                    "# many non-blank lines), or none.\n")
            f.write("# set\tfile\tkind\tfirst\tcount\n")
            for r in rows:
                f.write("%s\t%s\t%s\t%d\t%d\n" % r)
        print("wrote %s (%d rows)" % (path, len(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
