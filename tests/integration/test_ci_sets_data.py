#!/usr/bin/env python3
"""Consistency of the labelled CI build-log sets that score_blind.py measures on
(tests/data/ci-blind, tests/data/ci-real, tests/data/ci-blind6, tests/data/ci-blind7, tests/data/ci-blind8, tests/data/ci-blind9, tests/data/ci-blind10, tests/data/ci-blind11, tests/data/ci-blind12, tests/data/ci-blind13). It does not run the classifier; it checks
that a scoring run can trust the labels:

  - every labels.tsv row names an existing NNN-fail.log, a class id listed in
    docs/failure-classes.md, and a line inside one of that file's ranges.tsv rows;
  - every ranges.tsv row names a labelled file and lies within the file, lines being
    counted as the labels count them (LF, CRLF once, and a lone CR each end a line);
  - every log (fail and pass) is under 1 MB, and every NNN-pass.log has its NNN-fail.log;
  - the set's README names every file it holds.

The agent sets (tests/data/ci-blind5 and agent-blind6 … agent-blind17, agent-blind18, agent-blind19, agent-blind20, agent-blind21, agent-blind22: NNN-name.log,
`none`/0 for a successful run, `unknown` allowed) get the same checks, with the names and the
`none` rows as those sets write them: every file is labelled, a `none` row has line 0 and no
ranges, every failed row's line lies inside one of its ranges.

Exit status 0 when all hold; otherwise one line per problem and status 1."""
import os
import re
import sys

SRC = os.environ.get("ARTRIAGE_SRC", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SETS = [os.path.join(SRC, "tests", "data", d) for d in ("ci-blind", "ci-real", "ci-blind6", "ci-blind7", "ci-blind8", "ci-blind9", "ci-blind10", "ci-blind11", "ci-blind12", "ci-blind13")]
AGENT_SETS = [os.path.join(SRC, "tests", "data", d)
              for d in ("ci-blind5", "agent-blind6", "agent-blind7", "agent-blind8", "agent-blind9",
                        "agent-blind10", "agent-blind11", "agent-blind12", "agent-blind13",
                        "agent-blind14", "agent-blind15", "agent-blind16", "agent-blind17",
                        "agent-blind18", "agent-blind19", "agent-blind20", "agent-blind21", "agent-blind22")]
MAX_BYTES = 1_000_000


def class_ids():
    """Class ids of the taxonomy table in docs/failure-classes.md (rows start with | `id`)."""
    with open(os.path.join(SRC, "docs", "failure-classes.md"), encoding="utf-8") as f:
        return set(re.findall(r"^\| `([a-z][a-z.-]*)`", f.read(), re.M))


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        return [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f if line.strip()]


def line_count(path):
    """Lines as labels count them: a lone CR also ends a line; a final line end adds none."""
    with open(path, "rb") as f:
        data = re.sub(rb"\r(?!\n)", b"\n", f.read())
    n = data.count(b"\n")
    return n if data.endswith(b"\n") else n + 1


def check_set(root, ids, agent=False):
    """One set's labels, ranges, sizes and README. A CI set (agent False) holds
    NNN-fail.log files, each labelled, and NNN-pass.log twins; an agent set holds
    NNN-name.log files, failed and successful (class none: line 0, no ranges)."""
    problems = []
    name = os.path.basename(root)
    labels = read_tsv(os.path.join(root, "labels.tsv"))
    ranges = {}
    for r in read_tsv(os.path.join(root, "ranges.tsv")):
        ranges.setdefault(r["file"], []).append((int(r["start"]), int(r["end"])))
    if agent:
        ids = ids | {"none", "unknown"}
    pattern, what = (r"\d{3}-[a-z0-9.-]+\.log", "NNN-name.log") if agent else (r"\d{3}-fail\.log", "NNN-fail.log")
    lines = {}
    for r in labels:
        f = r["file"]
        path = os.path.join(root, f)
        if not re.fullmatch(pattern, f) or not os.path.isfile(path):
            problems.append("%s/labels.tsv: %s is not an existing %s" % (name, f, what))
            continue
        lines[f] = line_count(path)
        if r["primary"] not in ids:
            problems.append("%s/labels.tsv: %s: class %r is not in docs/failure-classes.md" % (name, f, r["primary"]))
        for sec in filter(None, r.get("secondary", "").split(",")):
            if sec not in ids:
                problems.append("%s/labels.tsv: %s: secondary %r is not a class id" % (name, f, sec))
        line = int(r["line"])
        if agent and r["primary"] == "none":
            if line != 0 or f in ranges:
                problems.append("%s/labels.tsv: %s: a successful run has line %d and ranges %s" % (
                    name, f, line, ranges.get(f, [])))
        elif not any(a <= line <= b for a, b in ranges.get(f, [])):
            problems.append("%s/labels.tsv: %s: line %d lies in none of its ranges %s" % (name, f, line, ranges.get(f, [])))
    for f, rs in sorted(ranges.items()):
        if f not in lines:
            problems.append("%s/ranges.tsv: %s has ranges but no label" % (name, f))
            continue
        for a, b in rs:
            if not 1 <= a <= b <= lines[f]:
                problems.append("%s/ranges.tsv: %s: range %d-%d is outside lines 1-%d" % (name, f, a, b, lines[f]))
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    labelled = {r["file"] for r in labels}
    for f in sorted(os.listdir(root)):
        if not f.endswith(".log"):
            continue
        if os.path.getsize(os.path.join(root, f)) >= MAX_BYTES:
            problems.append("%s/%s: %d bytes, not under 1 MB" % (name, f, os.path.getsize(os.path.join(root, f))))
        if not agent and f.endswith("-pass.log"):
            if f.replace("-pass.log", "-fail.log") not in labelled:
                problems.append("%s/%s: a passing log without a labelled failing log" % (name, f))
        elif f not in labelled:
            problems.append("%s/%s: a log without a label" % (name, f))
        if f not in readme:
            problems.append("%s/README.md does not name %s" % (name, f))
    return problems, len(labels)


def main():
    ids = class_ids()
    if len(ids) < 10:
        print("test_ci_sets_data: docs/failure-classes.md lists only %d class ids" % len(ids))
        return 1
    problems = []
    for root in SETS:
        p, n = check_set(root, ids)
        problems += p
        print("%s: %d labelled builds, %d problems" % (os.path.basename(root), n, len(p)))
    for root in AGENT_SETS:
        p, n = check_set(root, ids, agent=True)
        problems += p
        print("%s: %d labelled logs, %d problems" % (os.path.basename(root), n, len(p)))
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
