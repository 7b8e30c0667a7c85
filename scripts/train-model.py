#!/usr/bin/env python3
"""Trains the classifier's second stage (issue #15 item 5): a multinomial
naive Bayes over the tokens of an error block, which names the class of a
failed run's "unknown" block when no rule does. Python 3 standard library,
deterministic: the same labelled logs give the same file byte for byte.

Training text: every labelled log of the sets in SETS under tests/data
(labels.tsv: file, primary class, line), the labelled line and the WINDOW-1
lines after it - the same window the engine reads from an unknown block's
first line. SETS holds the development sets and every blind set whose blind
score was recorded before it was added (2026-12-07); a blind set not yet
scored is never read here. For a log labelled "unknown", the WINDOW non-blank
lines before its labelled line are one more "unknown" block: the engine reads
the lines before a bare failure line, and the label says they name nothing.

Tokens (src/classify/model.c does exactly the same): ANSI CSI sequences
dropped; the text split into lines at LF or CR, each line into words at
ASCII blanks; a word holding '/' is one token "_path_"; other words split
into runs of [A-Za-z0-9_]; runs shorter than 2 or longer than 40 bytes are
dropped; a run is ASCII lower-cased, and if it holds a digit it is "_hex_"
if it is 7 or more hex digits, else "_num_". A run with a lower-case letter
followed by an upper-case one (camelCase) also gives its parts split there,
lower-cased, of 2 bytes or more. Each token of a line, with the line's
token before it, also gives the pair "before__token" if that is at most 40
bytes (parts of camelCase runs are not paired). Each token counts once per
block. The pairs carry the word order a bag of words loses ("not found" vs
"found ... not"), and keep a function word's meaning in its context ("no
such", "out of"), while function words alone stay out of the vocabulary.

The thresholds are chosen by leave-one-set-out cross-validation (each
training set held out in turn, its blocks predicted by the model trained on
the others): the lowest threshold at which the held-out predictions the
model would make are right at least TARGET of the time. A prediction counts
when it names a class other than "unknown" (the engine keeps "unknown"
otherwise), and is right when that is the labelled class.
  threshold: on error blocks - the labelled-line blocks above (what a
    locator that found the right line hands over) and the error blocks the
    engine's locator marks in the failed logs (which often miss the
    decisive line);
  fallback_threshold: on the fallback blocks the engine hands the model when
    a failed run has no error block - the last non-blank lines of a log with
    no failure line, or the non-blank lines before a bare failure line.
Which lines the engine's blocks are, for every failed log of SETS, is listed
in FALLBACK (tests/data/fallback-blocks.tsv, written by
bench/model_fallback.py --write-blocks from what the engine reads with only
the marker rules, so that each log reaches the second stage). These blocks
are read for the thresholds only, not trained on. The script prints the
tables it chose from.

Usage: scripts/train-model.py [--out data/model/classes.nb] [--check] [--sets a,b,...]
  --check: write nothing; exit 1 if the file differs from what would be written.
  --sets:  cross-validate over these sets instead (a measurement: writes nothing).
  --heldout: also score the model trained on all training sets on these
           sets (a measurement: writes nothing)."""
import argparse
import math
import os
import re
import sys

# Every labelled set whose blind score is already recorded in its README. A
# new blind set stays out of this list until it has been scored blind: once
# its logs train the model, its score no longer measures generalisation
# (leave-one-set-out below is then the measure).
SETS = ["classify-dev", "classify", "classify-holdout", "classify-holdout2", "classify-holdout3",
        "classify-blind4", "ci-blind5", "agent-blind6", "agent-blind7", "agent-blind8",
        "agent-blind9", "ci-blind", "ci-real", "ci-blind6", "agent-blind10", "agent-blind11",
        "agent-blind12", "agent-blind13", "ci-blind7", "agent-blind14", "agent-blind15", "ci-blind8", "ci-blind9", "agent-blind16", "agent-blind17", "ci-blind10",
        "agent-blind18", "agent-blind19", "agent-blind20", "agent-blind21", "agent-blind22", "ci-blind11", "ci-blind12", "ci-blind13"]
# "none" marks successful runs (no block); "unknown" stays a class: blocks
# the labels say no class fits teach the model when to keep "unknown"
SKIP = {"none"}
WINDOW = 5        # the labelled line and the 4 after it
ALPHA = 0.5       # additive smoothing
MIN_DF = 2        # tokens seen in fewer training blocks are left out
# Naive Bayes counts each token as independent evidence (a block's pairs and
# camelCase parts repeat its words), so a long block's posterior is near 1
# whether or not the model has seen its like: a docker buildx or helm block
# unlike any trained one was named at 0.995. The log-odds between classes are
# divided by (known tokens)^POWER before the posterior is taken (the class is
# unchanged). Leave-one-set-out at the threshold each choice gets
# (2026-12-07, 19 sets): POWER 0 -> error blocks 587 right / 59 wrong (the
# engine's own blocks 57/17), fallback 357/35; POWER 0.25 -> 562/35 (55/8),
# 341/29: about 9 fewer wrong classes than a higher threshold alone gives at
# the same number right.
POWER = 0.25
TARGET = 0.90     # wanted precision of the predictions the model makes: an
                  # unknown block is harder than a labelled line, so ask much
FALLBACK = os.path.join("tests", "data", "fallback-blocks.tsv")
BLOCK_LINE_MAX = 512  # bytes of a line the engine hands the model
GRID = [0.50, 0.60, 0.70, 0.80, 0.90, 0.95, 0.98, 0.99, 0.995, 0.999]
HEXD = set("0123456789abcdef")
MAXTOK = 40       # longest token (the C side's TOKEN_MAX)
# Function words are left out of the vocabulary (so the engine, which only
# counts tokens it knows, ignores them too): with a few hundred training
# blocks a word like "from" or "the" can tip a block to whichever class used
# it most ("Error acquiring the state lock ... from" read as image.pull).
# Words that carry meaning in error text stay in: not, no, out, up, off,
# denied, failed ...
STOP = frozenset("""
about after again all also am an and any are as at be been before being both but by can
could did do does doing during each few for from further had has have having he her here
him his how if in into is it its itself just me more most my now of on once only or other
our ours over own please same she should so some such than that the their them then there
these they this those through too under until very was we were what when where which while
who whom why will with would you your yours
""".split())


def strip_ansi(s):
    out, i, n = [], 0, len(s)
    while i < n:
        ch = s[i]
        if ch == "\x1b":
            if i + 1 < n and s[i + 1] == "[":
                j = i + 2
                while j < n and not ("\x40" <= s[j] <= "\x7e"):
                    j += 1
                i = j + 1
            else:
                i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def mask(t):
    """A run holding a digit is a number or a hex id, whatever its digits."""
    if any("0" <= d <= "9" for d in t):
        return "_hex_" if len(t) >= 7 and all(d in HEXD for d in t) else "_num_"
    return t


def tokens(text):
    """The set of tokens of a block's text (bytes decoded as latin-1, so one
    char is one byte, as the C side sees them)."""
    toks = set()
    for line in re.split(r"[\n\r]", strip_ansi(text)):
        prev = None  # the line's previous token, for the word pairs

        def emit(t):
            nonlocal prev
            toks.add(t)
            if prev is not None and len(prev) + 2 + len(t) <= MAXTOK:
                toks.add(prev + "__" + t)
            prev = t

        for word in re.split(r"[ \t\v\f]+", line):
            if not word:
                continue
            if "/" in word:
                emit("_path_")
                continue
            run = []
            for c in word + " ":
                if ("a" <= c <= "z") or ("A" <= c <= "Z") or ("0" <= c <= "9") or c == "_":
                    run.append(c)
                    continue
                if not run:
                    continue
                r, run = "".join(run), []
                if not 2 <= len(r) <= MAXTOK:
                    continue
                t = mask(r.lower())
                emit(t)
                if t != r.lower():
                    continue
                # camelCase words: their parts are words too
                # ("ImagePullBackOff" also reads as image, pull, back, off)
                parts, start = [], 0
                for k in range(1, len(r)):
                    if "a" <= r[k - 1] <= "z" and "A" <= r[k] <= "Z":
                        parts.append(r[start:k])
                        start = k
                if parts:
                    parts.append(r[start:])
                    toks.update(p.lower() for p in parts if len(p) >= 2)
    return toks


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read().decode("latin-1")
    return data.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def load(root, sets):
    docs = []  # (set, class, tokens)
    for s in sets:
        d = os.path.join(root, "tests", "data", s)
        with open(os.path.join(d, "labels.tsv"), encoding="utf-8") as f:
            rows = [r.rstrip("\n").split("\t") for r in f][1:]
        for r in rows:
            if len(r) < 3 or r[1] in SKIP or not r[2].isdigit() or int(r[2]) < 1:
                continue
            lines = read_lines(os.path.join(d, r[0]))
            at = int(r[2]) - 1
            text = "\n".join(lines[at:at + WINDOW])
            docs.append((s, r[1], tokens(text)))
            if r[1] == "unknown":
                # the label says no class fits this failure line: nor do the
                # lines before it, which the engine reads when the line is a
                # bare one ("exited with code 1")
                before = [x for x in lines[:at] if x.strip(" \t\r\f\v")][-WINDOW:]
                if before:
                    docs.append((s, "unknown", tokens("\n".join(before))))
    return docs


def nonblank(line):
    return line.strip(" \t\r\f\v\0") != ""


def model_line(x):
    """One line as the engine's model reads it (block_copy in
    src/classify/engine.c): a line a Windows shell wrote as UTF-16LE (most
    of its code units an ASCII byte and a NUL) decoded to UTF-8 without its
    byte order mark and CR, else a NUL read as a blank; at most
    BLOCK_LINE_MAX bytes either way. Returned as latin-1 text like the rest."""
    b = x.encode("latin-1")
    s = 1 if b[:1] == b"\0" else 0
    units = (len(b) - s) // 2
    ascii = sum(1 for k in range(units) if b[s + 2 * k + 1] == 0 and b[s + 2 * k] != 0)
    if not units or ascii * 2 <= units:
        return x[:BLOCK_LINE_MAX].replace("\0", " ")
    u = b[s:s + 2 * units]
    if u[-2:] == b"\r\0":
        u = u[:-2]
    text = u.decode("utf-16-le", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    out = b""
    for ch in text.replace("\0", "\ufffd"):
        e = ch.encode("utf-8", errors="replace")
        if len(out) + len(e) > BLOCK_LINE_MAX:
            break
        out += e
    return out.decode("latin-1")


def fallback_block(lines, first, count):
    """The text the engine hands the model for a fallback block: `count`
    non-blank lines from line `first` (1-based) on, each cut at
    BLOCK_LINE_MAX bytes as model_line reads it."""
    got = []
    for x in lines[first - 1:]:
        if len(got) == count:
            break
        if nonblank(x):
            got.append(model_line(x))
    return "\n".join(got)


def error_block(lines, first, window):
    """The text the engine hands the model for an error block: line
    `first` (1-based) and the window-1 lines after it, blank or not, each
    cut at BLOCK_LINE_MAX bytes."""
    return "\n".join(model_line(x) for x in lines[first - 1:first - 1 + window])


def load_engine_blocks(root, sets, strict=True):
    """The blocks the engine hands the model for the failed logs of sets
    (FALLBACK): (set, class, kind, tokens), kind "block" (an error block
    the locator marked), "bare" or "tail" (fallback blocks). Every failed
    log of sets must have a row (kind none for the logs the model is not
    asked about): a set missing from the file means it was never measured,
    and a threshold would silently leave it out."""
    rows = {}
    with open(os.path.join(root, FALLBACK), encoding="utf-8") as f:
        for r in f:
            if r.startswith("#") or not r.strip():
                continue
            st, fn, kind, first, count = r.rstrip("\n").split("\t")
            rows[(st, fn)] = (kind, int(first), int(count))
    out, missing = [], []
    for s in sets:
        d = os.path.join(root, "tests", "data", s)
        with open(os.path.join(d, "labels.tsv"), encoding="utf-8") as f:
            labels = [r.rstrip("\n").split("\t") for r in f][1:]
        for r in labels:
            if len(r) < 2 or r[1] in SKIP:
                continue
            row = rows.get((s, r[0]))
            if row is None:
                missing.append("%s/%s" % (s, r[0]))
                continue
            kind, first, count = row
            if kind == "none":
                continue
            lines = read_lines(os.path.join(d, r[0]))
            text = error_block(lines, first, count) if kind == "block" else fallback_block(lines, first, count)
            out.append((s, r[1], kind, tokens(text)))
    if missing and strict:
        sys.exit("%s has no row for %d failed logs (%s ...): run bench/model_fallback.py --write-blocks"
                 % (FALLBACK, len(missing), ", ".join(missing[:3])))
    return out


def train(docs):
    df = {}
    for _, _, t in docs:
        for w in t:
            df[w] = df.get(w, 0) + 1
    vocab = sorted(w for w, n in df.items() if n >= MIN_DF and w not in STOP)
    vset = set(vocab)
    classes = sorted({c for _, c, _ in docs})
    ndocs = {c: 0 for c in classes}
    total = {c: 0 for c in classes}
    counts = {w: {} for w in vocab}
    for _, c, t in docs:
        ndocs[c] += 1
        for w in t:
            if w in vset:
                total[c] += 1
                counts[w][c] = counts[w].get(c, 0) + 1
    return {"classes": classes, "ndocs": ndocs, "total": total, "counts": counts, "vocab": vocab}


def predict(m, toks):
    classes, V = m["classes"], len(m["vocab"])
    N = sum(m["ndocs"].values())
    score = []
    for c in classes:
        s = math.log(m["ndocs"][c] / N)
        den = math.log(m["total"][c] + ALPHA * V)
        for w in sorted(toks):
            if w in m["counts"]:
                s += math.log(m["counts"][w].get(c, 0) + ALPHA) - den
        score.append(s)
    top = max(score)
    known = sum(1 for w in toks if w in m["counts"])
    scale = max(known, 1) ** POWER
    z = sum(math.exp((s - top) / scale) for s in score)
    best = score.index(top)
    return classes[best], 1.0 / z


def cross_validate(docs, eblocks, sets):
    """Leave-one-set-out: each set's labelled-line blocks and engine blocks
    predicted by a model trained on the other sets only. Returns
    [(set, kind, confidence, named, right)], kind "line" for a labelled-line
    block; named: the prediction is a class other than "unknown" (the
    engine keeps "unknown" otherwise)."""
    preds = []
    for s in sets:
        m = train([d for d in docs if d[0] != s])
        for _, c, t in (d for d in docs if d[0] == s):
            cls, p = predict(m, t)
            preds.append((s, "line", p, cls != "unknown", cls == c))
        for _, c, kind, t in (d for d in eblocks if d[0] == s):
            cls, p = predict(m, t)
            preds.append((s, kind, p, cls != "unknown", cls == c))
    return preds


def choose(preds, kinds):
    """The threshold table over the named predictions of these kinds
    (threshold, named, right, precision) and the lowest threshold whose
    precision is at least TARGET."""
    table = []
    for th in GRID:
        took = [r for _, k, p, named, r in preds if k in kinds and named and p >= th]
        prec = sum(took) / len(took) if took else 0.0
        table.append((th, len(took), sum(took), prec))
    chosen = next((th for th, n, _, prec in table if n and prec >= TARGET), GRID[-1])
    return table, chosen


def print_choice(title, preds, kinds, table, th):
    n = sum(1 for x in preds if x[1] in kinds)
    print("%s, leave-one-set-out over %d blocks (%s):" % (
        title, n, ", ".join("%s %d" % (k, sum(1 for x in preds if x[1] == k)) for k in kinds)))
    print("  threshold  named  right  precision")
    for t, k, r, p in table:
        print("  %9.3f  %5d  %5d  %9.3f%s" % (t, k, r, p, "  <- chosen" if t == th else ""))
    print("  at %.3f:  kind   blocks  right  wrong  abstained  precision  recall" % th)
    for kind in kinds + ("all",):
        ps = [x for x in preds if (x[1] == kind if kind != "all" else x[1] in kinds)]
        right = sum(1 for _, _, p, named, r in ps if named and p >= th and r)
        wrong = sum(1 for _, _, p, named, r in ps if named and p >= th and not r)
        print("            %-5s  %6d  %5d  %5d  %9d  %9s  %6.3f" % (
            kind, len(ps), right, wrong, len(ps) - right - wrong,
            "%.3f" % (right / (right + wrong)) if right + wrong else "-", right / len(ps) if ps else 0))


def print_per_set(sets, preds, th, how="model trained without the set"):
    """How the model alone does on each set's labelled-line blocks when
    trained without that set: the labelled line and the WINDOW-1 after it
    (the block a locator that found the right line would hand over)."""
    print("per held-out set at threshold %.3f (labelled-line blocks, %s):" % (th, how))
    print("  %-18s  blocks  right>=th  wrong>=th  abstained  right(any conf)" % "set")
    tot = [0, 0, 0, 0, 0]
    for s in sets:
        ps = [x for x in preds if x[0] == s and x[1] == "line"]
        right = sum(1 for _, _, p, n, r in ps if n and p >= th and r)
        wrong = sum(1 for _, _, p, n, r in ps if n and p >= th and not r)
        anyr = sum(1 for _, _, _, n, r in ps if n and r)
        row = [len(ps), right, wrong, len(ps) - right - wrong, anyr]
        tot = [a + b for a, b in zip(tot, row)]
        print("  %-18s  %6d  %9d  %9d  %9d  %14d" % (s, *row))
    print("  %-18s  %6d  %9d  %9d  %9d  %14d" % ("all", *tot))


def render(m, threshold, fallback_threshold):
    out = ["# artriage naive Bayes model of error-block wording (issue #15 item 5).",
           "# Generated by scripts/train-model.py from the labelled training logs; do not edit.",
           "artriage-nb 1",
           "window %d" % WINDOW,
           "alpha %.3f" % ALPHA,
           "threshold %.3f" % threshold,
           "fallback_threshold %.3f" % fallback_threshold,
           "confidence_power %.3f" % POWER,
           "classes %d" % len(m["classes"]),
           "vocab %d" % len(m["vocab"])]
    for c in m["classes"]:
        out.append("class %s %d %d" % (c, m["ndocs"][c], m["total"][c]))
    idx = {c: i for i, c in enumerate(m["classes"])}
    for w in m["vocab"]:
        cs = m["counts"][w]
        out.append("tok %s %s" % (w, " ".join("%d:%d" % (idx[c], cs[c]) for c in sorted(cs, key=idx.get))))
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--out", default=os.path.join(root, "data", "model", "classes.nb"))
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--sets", help="comma-separated training sets instead of SETS: "
                    "prints the cross-validation only, writes and checks nothing")
    ap.add_argument("--heldout", help="comma-separated sets outside training to score the "
                    "whole-training model on (a measurement: writes nothing)")
    a = ap.parse_args()
    sets = a.sets.split(",") if a.sets else SETS
    docs = load(root, sets)
    eblocks = load_engine_blocks(root, sets, strict=not a.sets)
    preds = cross_validate(docs, eblocks, sets)
    print("training blocks: %d, classes: %d" % (len(docs), len({d[1] for d in docs})))
    table, th = choose(preds, ("line", "block"))
    print_choice("error blocks (labelled lines and the engine's)", preds, ("line", "block"), table, th)
    print_per_set(sets, preds, th)
    ftable, fth = choose(preds, ("bare", "tail"))
    print_choice("fallback blocks", preds, ("bare", "tail"), ftable, fth)
    if a.heldout:
        # sets outside training, each predicted by the model trained on all of sets
        m = train(docs)
        hs = a.heldout.split(",")
        hp = []
        for s, c, t in load(root, hs):
            cls, p = predict(m, t)
            hp.append((s, "line", p, cls != "unknown", cls == c))
        print_per_set(hs, hp, th, "outside training: the model trained on all the sets above")
    if a.sets or a.heldout:
        return 0
    m = train(docs)
    text = render(m, th, fth)
    print("vocabulary: %d tokens; threshold %.3f, fallback threshold %.3f (lowest with precision >= %.2f)"
          % (len(m["vocab"]), th, fth, TARGET))
    if a.check:
        with open(a.out, encoding="utf-8") as f:
            same = f.read() == text
        print("model file %s" % ("is up to date" if same else "differs: rerun scripts/train-model.py"))
        return 0 if same else 1
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote %s (%d bytes)" % (a.out, len(text)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
