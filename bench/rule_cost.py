#!/usr/bin/env python3
"""What each rule file, rule or pattern costs the scan (issue #15).

Times `artriage classify LOG -o json` with the full rule set and with one
part left out at a time (ARTRIAGE_RULES pointing at a copy of the rules
without it), and prints each part's marginal cost: the full set's CPU time
(user+sys, median of the runs) minus the set's without it. The runs of all
sets alternate, round by round, so that load on a shared machine falls on
each alike; CPU time is what a loaded machine still measures fairly.
A benchmark, not a test: it prints figures.

  --by file      each rule file (default)
  --by rule      each rule (--only RE: the rules whose id matches)
  --by pattern   each match/near pattern with a `scan` line, i.e. those the
                 scanner runs whole (--only RE: the patterns or rule ids that
                 match, marked or not)

Each set's Hyperscan database is compiled once, before the timed runs, into
a cache directory of this run's own (removed at the end).

usage: bench/rule_cost.py BIN LOG [--by file|rule|pattern] [--only RE]
                          [--runs N] [--rules DIR] [--no-pin]
LOG: a large log, e.g. the 256 MiB one bench/classify.sh generates
(BENCH_SIZES=256 bash bench/classify.sh BIN WORKDIR leaves WORKDIR/agent-256.log).
"""
import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def read_rules(d):
    """{file name: [lines]} of the .rules files of d."""
    out = {}
    for n in sorted(os.listdir(d)):
        if n.endswith(".rules"):
            with open(os.path.join(d, n), encoding="utf-8") as f:
                out[n] = f.read().split("\n")
    return out


def rule_spans(lines):
    """[(rule id, first line index, end index)] of a rule file's rules."""
    spans, cur, start = [], None, 0
    for i, l in enumerate(lines):
        m = re.match(r"\s*rule\s+(\S+)", l)
        if m:
            if cur:
                spans.append((cur, start, i))
            cur, start = m.group(1), i
    if cur:
        spans.append((cur, start, len(lines)))
    return spans


def pattern_lines(lines):
    """[(line index, rule id, pattern line, index of its scan line or None)]."""
    out = []
    for rid, a, b in rule_spans(lines):
        for i in range(a, b):
            if not re.match(r"\s*(match|near)\s", lines[i]):
                continue
            scan = None
            j = i + 1
            while j < b and (not lines[j].strip() or lines[j].lstrip().startswith("#")):
                j += 1
            if j < b and re.match(r"\s*scan\s", lines[j]):
                scan = j
            out.append((i, rid, lines[i].strip(), scan))
    return out


def variants(rules, by, only):
    """[(label, {file: lines})]: the full set first, then one part left out each."""
    sets = [("(all rules)", rules)]
    if by == "file":
        for n in rules:
            sets.append((n, {k: v for k, v in rules.items() if k != n}))
    elif by == "rule":
        for n, lines in rules.items():
            for rid, a, b in rule_spans(lines):
                if only and not re.search(only, rid):
                    continue
                sets.append((f"{n} {rid}", {**rules, n: lines[:a] + lines[b:]}))
    else:
        for n, lines in rules.items():
            for i, rid, text, scan in pattern_lines(lines):
                if only:
                    if not (re.search(only, rid) or re.search(only, text)):
                        continue
                elif scan is None:
                    continue
                drop = {i} | ({scan} if scan is not None else set())
                # a rule left without a match line is skipped by the loader:
                # then the pattern's cost is the rule's
                sets.append((f"{n}:{i + 1} {rid}: {text}", {**rules, n: [l for k, l in enumerate(lines) if k not in drop]}))
    return sets


def write_set(root, k, files, model):
    d = os.path.join(root, f"set{k}")
    os.makedirs(os.path.join(d, "rules"))
    for n, lines in files.items():
        with open(os.path.join(d, "rules", n), "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
    if model:
        os.symlink(model, os.path.join(d, "model")) # found beside the rules, as shipped
    return os.path.join(d, "rules")


def run(cmd, env, out):
    """CPU seconds (user+sys) of one run of cmd, its output to the file out."""
    with open(out, "wb") as f:
        p = subprocess.Popen(cmd, env=env, stdout=f, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1, 2):
        sys.exit(f"rule_cost: {' '.join(cmd)} failed ({status})")
    return ru.ru_utime + ru.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bin")
    ap.add_argument("log")
    ap.add_argument("--by", choices=("file", "rule", "pattern"), default="file")
    ap.add_argument("--only", help="regex: rule ids (or, --by pattern, pattern texts) to try")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rules", default=os.path.join(HERE, "..", "data", "rules"))
    ap.add_argument("--no-pin", action="store_true", help="do not pin to one core (taskset -c 0)")
    a = ap.parse_args()
    rules_dir = os.path.abspath(a.rules)
    model = os.path.join(os.path.dirname(rules_dir), "model")
    model = model if os.path.isdir(model) else None
    sets = variants(read_rules(rules_dir), a.by, a.only)
    if len(sets) == 1:
        sys.exit("rule_cost: nothing to leave out (see --only)")
    pin = [] if a.no_pin or not shutil.which("taskset") else ["taskset", "-c", "0"]
    root = tempfile.mkdtemp(prefix="artriage-rule-cost-")
    try:
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(root, "cache"))
        env.pop("ARTRIAGE_CLASSIFY_CACHE", None)
        dirs = [write_set(root, k, files, model) for k, (_, files) in enumerate(sets)]
        out = os.path.join(root, "out.json")
        cmd = pin + [os.path.abspath(a.bin), "classify", a.log, "-o", "json"]
        with open(a.log, "rb") as f: # warm the page cache
            while f.read(1 << 24):
                pass
        print(f"{len(sets) - 1} sets with one {a.by} left out, {a.runs} runs each, alternating; "
              f"load {os.getloadavg()[0]:.2f}", file=sys.stderr)
        for d in dirs: # compile and cache each set's databases
            run(cmd, dict(env, ARTRIAGE_RULES=d), out)
        times = [[] for _ in sets]
        for r in range(a.runs):
            for k, d in enumerate(dirs):
                times[k].append(run(cmd, dict(env, ARTRIAGE_RULES=d), out))
            print(f"  round {r + 1}/{a.runs}, load {os.getloadavg()[0]:.2f}", file=sys.stderr)
        full, fmin = statistics.median(times[0]), min(times[0])
        print(f"log {a.log} ({os.path.getsize(a.log) / 1048576:.0f} MiB), {a.runs} runs per set, "
              f"{'pinned to CPU 0' if pin else 'not pinned'}, load at the end {os.getloadavg()[0]:.2f}")
        print(f"all rules: cpu median {full:.3f}s, min {fmin:.3f}s")
        print(f"{'cost (min)':>10} {'%':>6} {'(median)':>9}  {'without: min':>12} {'med':>7}  left out")
        # sorted by the cost in best runs: on a loaded machine the fastest
        # run of each set is the one least disturbed
        rows = sorted(((fmin - min(t), full - statistics.median(t), min(t), statistics.median(t), sets[k][0])
                       for k, t in enumerate(times) if k), reverse=True)
        for cmin, cmed, mn, med, label in rows:
            print(f"{cmin:+9.3f}s {100 * cmin / fmin:5.1f}% {cmed:+8.3f}s  {mn:11.3f}s {med:6.3f}s  {label}")
        print("cost: the full set's CPU time minus the set's without that part, best runs (and medians); "
              "Hyperscan's cost is not additive, and on a loaded machine the noise is a few hundredths "
              "of a second: rerun with more --runs")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
