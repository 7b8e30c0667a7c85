#!/usr/bin/env bash
# Classifier throughput (BENCHMARKS.md "Speed"): generates realistic agent
# logs of 256 MiB and 1 GiB (ordinary build/agent output with scattered
# failures), then times, each run BENCH_RUNS times (default 5), the tools
# alternating so that load on a shared machine falls on all of them alike:
#   artriage classify LOG -o json          (the full shipped rule set)
#   rg -c -i -e P1 ... -e P24 LOG          (24 common failure patterns)
#   grep -c -i -E 'P1|...|P24' LOG
#   wc -l LOG                              (the memory-speed floor)
# Every command writes its output to a file (GNU grep stops at its first
# match when its output is /dev/null). Prints, per tool, the median and the
# best wall time and the median CPU time (user+sys), MB/s, and our ratio to
# the faster of rg and grep both in wall time and in CPU time (CPU is what a
# loaded machine still measures fairly); then the cost of --baseline: a
# small failing log (some of its failure lines in the passing run, some
# new) against this log as the passing run's, against reading it once (cat
# to /dev/null; and cat to a file, as above) and a classification of it,
# in CPU (median) and in wall time (best), pinned and not pinned.
# artriage runs pinned to one core (as the peers) and
# unpinned (large blocks scan on two threads). A benchmark, not a test: it
# prints figures.
# usage: bench/classify.sh path/to/artriage [workdir]   (BENCH_SIZES="256" for one size)
set -euo pipefail
BIN=${1:?usage: bench/classify.sh path/to/artriage [workdir]}
BIN=$(readlink -f "$BIN")
WORK=${2:-${TMPDIR:-/tmp}/artriage-bench-classify}
mkdir -p "$WORK"
CPU=${BENCH_CPU:-0}
PIN=()
command -v taskset >/dev/null && PIN=(taskset -c "$CPU")

gen() { # gen SIZE_MIB FILE
    [ -s "$2" ] && [ "$(stat -c %s "$2")" -ge $(( $1 * 1024 * 1024 )) ] && return 0
    python3 - "$1" "$2" <<'EOF'
import random, sys
size = int(sys.argv[1]) * 1024 * 1024
out = sys.argv[2]
rnd = random.Random(42)
words = ("build", "module", "agent", "tool", "read_file", "apply_patch", "model", "turn", "tokens",
         "output", "input", "cache", "hit", "miss", "fetch", "GET", "200", "lint", "warning", "test",
         "PASS", "done", "compile", "src/index.ts", "package.json", "node_modules/.bin/tsc", "resolve")
ordinary = [
    "2026-03-10T09:{m:02d}:{s:02d}.{ms:03d}Z [agent] model turn {n}: input {a:,} tokens, output {b:,} tokens",
    "2026-03-10T09:{m:02d}:{s:02d}.{ms:03d}Z [agent] tool read_file src/{w}/{w2}.ts ({n} lines)",
    "npm http fetch GET 200 https://registry.npmjs.org/{w} {n}ms (cache miss)",
    "remote: Counting objects: 100% ({n}/{n}), done.",
    "Receiving objects: {p}% ({n}/{a}), 1.92 MiB | 14.10 MiB/s",
    "  PASS  src/{w}/{w2}.test.ts ({n} ms)",
    "--- PASS: Test{W}{W2} (0.{n:03d}s)",
    "{{\"ts\": \"2026-03-10T09:{m:02d}:{s:02d}.{ms:03d}Z\", \"level\": \"info\", \"component\": \"{w}\", \"msg\": \"{w} {w2} {n}\"}}",
    "Step {p}/18 : RUN npm run {w} --if-present",
    " ---> Using cache",
    "[bootstrap] {w} {w2}: ok ({n}ms)",
    "    at {W}.{w2} (/workspace/app/src/{w}.js:{n}:{p})",
    "added {n} packages, and audited {a} packages in {p}s",
    "npm WARN deprecated {w}@{p}.{n}.0: this library is no longer supported",
    "ok  \tgithub.com/acme/{w}/{w2}\t0.{n:03d}s",
    "\x1b[32m✔\x1b[0m {w} {w2} ({n}ms)",
    "[agent] tool rg -n \"{w}\" src ({n} matches)",
    "    {w2}: {w} = {n}; // {w} {w2} {w} {w2} {w} {w2}",
]
failures = [
    "Error: Cannot find module '{w}'",
    "Error: spawn git ENOENT",
    "ENOENT: no such file or directory, posix_spawn 'git'",
    "exec: \"{w}\": executable file not found in $PATH",
    " ! [rejected]        main -> main (non-fast-forward)",
    "  Warning  Failed     57s (x21 over 6m7s)    kubelet            Error: ImagePullBackOff",
    "tax-application-base-74464f6b98-2kj6g      0/1     OOMKilled   4 (57s ago)   2m40s",
    "java.io.IOException: No space left on device",
    "429: Rate limit reached for gpt-4o in organization org-x on tokens per min",
    "src/{w}.ts(28,11): error TS2345: Argument of type 'string' is not assignable",
    "fatal: not a git repository (or any of the parent directories): .git",
    "Error: connect ECONNREFUSED 127.0.0.1:5432",
]
def line(tpls):
    t = rnd.choice(tpls)
    w, w2 = rnd.choice(words), rnd.choice(words)
    return t.format(m=rnd.randrange(60), s=rnd.randrange(60), ms=rnd.randrange(1000), n=rnd.randrange(1, 999),
                    a=rnd.randrange(1000, 99999), b=rnd.randrange(100, 9999), p=rnd.randrange(1, 100),
                    w=w, w2=w2, W=w.capitalize(), W2=w2.capitalize())
# A 4 MiB block of varied lines, one failure line per ~20k lines; the
# file repeats the block (realistic mix, fast to make).
block, n = [], 0
while n < 4 * 1024 * 1024:
    l = line(failures) if rnd.randrange(20000) == 0 else line(ordinary)
    block.append(l)
    n += len(l) + 1
data = ("\n".join(block) + "\n").encode()
with open(out, "wb") as f:
    written = 0
    while written < size:
        f.write(data)
        written += len(data)
EOF
}

PATTERNS=('ENOENT' 'Cannot find module' 'posix_spawn' 'executable file not found' 'non-fast-forward'
          'ImagePullBackOff' 'OOMKilled' 'No space left on device' 'rate limit' 'error TS[0-9]+'
          'ErrImagePull' 'Segmentation fault' 'not a git repository' 'could not read Username'
          'Permission denied' 'ECONNREFUSED' 'getaddrinfo ENOTFOUND' 'context deadline exceeded'
          'Too Many Requests' 'No commits between' 'JavaScript heap out of memory'
          'ModuleNotFoundError' 'command not found' 'SyntaxError')
RG_ARGS=()
for p in "${PATTERNS[@]}"; do RG_ARGS+=(-e "$p"); done
GREP_RE=$(IFS='|'; echo "${PATTERNS[*]}")

RUNS=${BENCH_RUNS:-5}
TIMES="$WORK/times"

# run LABEL CMD...: one timed run appended to $TIMES as "label wall cpu"
run() {
    local label=$1
    shift
    # not /dev/null: GNU grep stops at the first match when it sees it
    /usr/bin/time -o "$WORK/t" -f "%e %U %S" "$@" >"$WORK/out" 2>/dev/null || true
    awk -v l="$label" '{printf "%s %s %.3f\n", l, $1, $2 + $3}' "$WORK/t" >>"$TIMES"
}
# fig LABEL FIELD(2=wall, 3=cpu) min|med
fig() {
    awk -v l="$1" -v f="$2" '$1 == l {print $f}' "$TIMES" | sort -g |
        awk -v how="$3" '{a[NR] = $1} END {print (how == "min") ? a[1] : a[int((NR + 1) / 2)]}'
}

mbs() { echo "scale=1; $1 / 1048576 / $2" | bc -l; }

for SIZE in ${BENCH_SIZES:-256 1024}; do
    LOG="$WORK/agent-$SIZE.log"
    gen "$SIZE" "$LOG"
    BYTES=$(stat -c %s "$LOG")
    # the failing log for --baseline: 1000 ordinary lines, the first 24
    # failure lines of the passing log (other stamps and numbers would do
    # as well: set aside as also in the passing run) and 3 new ones
    SMALL="$WORK/small-fail.log"
    { head -n 1000 "$LOG"
      grep -m 24 -E '^(Error: |ENOENT: |exec: | ! \[rejected\]|  Warning  Failed|tax-application-base|java\.io\.IOException|429: Rate limit|fatal: not a git)|error TS[0-9]' "$LOG"
      printf '%s\n' "Error: Cannot find module 'zeta-quux'" "npm ERR! code E401" \
          "fatal: unable to access 'https://github.com/acme/app.git/': Could not resolve host: github.com"
    } >"$SMALL"
    cat "$LOG" >/dev/null # warm the page cache
    "$BIN" classify "$LOG" -o json >/dev/null # warm the compiled-rules cache
    : >"$TIMES"
    for _ in $(seq "$RUNS"); do
        run us "${PIN[@]}" "$BIN" classify "$LOG" -o json
        run rg "${PIN[@]}" rg -c -i "${RG_ARGS[@]}" "$LOG"
        run us2 "$BIN" classify "$LOG" -o json
        run grep "${PIN[@]}" env LC_ALL=C grep -c -i -E "$GREP_RE" "$LOG"
        run wc "${PIN[@]}" wc -l "$LOG"
        run cat "${PIN[@]}" cat "$LOG"
        run read "${PIN[@]}" sh -c 'exec cat "$1" >/dev/null' sh "$LOG"
        run base "${PIN[@]}" "$BIN" classify "$SMALL" --outcome failed --baseline "$LOG" -o json
        run small "${PIN[@]}" "$BIN" classify "$SMALL" --outcome failed -o json
        run base2 "$BIN" classify "$SMALL" --outcome failed --baseline "$LOG" -o json
        run small2 "$BIN" classify "$SMALL" --outcome failed -o json
    done
    RSS=$( { /usr/bin/time -v "${PIN[@]}" "$BIN" classify "$LOG" -o json >/dev/null; } 2>&1 |
           awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}')
    FAST=rg
    if [ "$(echo "$(fig grep 3 med) < $(fig rg 3 med)" | bc -l)" = 1 ]; then FAST=grep; fi
    FASTW=rg
    if [ "$(echo "$(fig grep 2 min) < $(fig rg 2 min)" | bc -l)" = 1 ]; then FASTW=grep; fi
    echo "== $SIZE MiB log ($BYTES bytes), $RUNS runs each, alternating; artriage pinned to one core unless said"
    printf '  %-30s %9s %9s %9s %10s\n' "" "wall med" "wall best" "cpu med" "MB/s(best)"
    for t in "us:artriage classify -o json" "us2:artriage, not pinned" "rg:rg -c -i (24 patterns)" \
             "grep:grep -c -i -E (24 patterns)" "wc:wc -l (floor)" "cat:cat"; do
        k=${t%%:*}
        printf '  %-30s %8.3fs %8.3fs %8.3fs %10s\n' "${t#*:}" "$(fig "$k" 2 med)" "$(fig "$k" 2 min)" \
            "$(fig "$k" 3 med)" "$(mbs "$BYTES" "$(fig "$k" 2 min)")"
    done
    printf '  ratio to the faster peer: wall (best) %.2fx pinned, %.2fx not pinned (vs %s);' \
        "$(echo "$(fig $FASTW 2 min) / $(fig us 2 min)" | bc -l)" \
        "$(echo "$(fig $FASTW 2 min) / $(fig us2 2 min)" | bc -l)" "$FASTW"
    printf ' cpu (median) %.2fx (vs %s)\n' "$(echo "$(fig $FAST 3 med) / $(fig us 3 med)" | bc -l)" "$FAST"
    printf '  max RSS: %s KiB\n' "$RSS"
    # --baseline: a small failing log against this log as the passing run's
    BASE=$(echo "$(fig base 3 med) - $(fig small 3 med)" | bc -l)
    printf '  --baseline %s MiB: +%.3fs cpu (median) = %.2fx reading it (cat >/dev/null, %.3fs),' "$SIZE" \
        "$BASE" "$(echo "$BASE / $(fig read 3 med)" | bc -l)" "$(fig read 3 med)"
    printf ' %.2fx cat (to a file), %.2fx a classification of it\n' \
        "$(echo "$BASE / $(fig cat 3 med)" | bc -l)" "$(echo "$BASE / $(fig us 3 med)" | bc -l)"
    # wall: best of the runs, against the best wall of reading it once;
    # not pinned, a baseline of 16 MiB or more settles its halves on two threads
    BW=$(echo "$(fig base 2 min) - $(fig small 2 min)" | bc -l)
    BW2=$(echo "$(fig base2 2 min) - $(fig small2 2 min)" | bc -l)
    BC2=$(echo "$(fig base2 3 med) - $(fig small2 3 med)" | bc -l)
    printf '  --baseline %s MiB wall (best): +%.3fs = %.2fx reading it (%.3fs) pinned; +%.3fs = %.2fx not pinned (cpu +%.3fs median)\n' \
        "$SIZE" "$BW" "$(echo "$BW / $(fig read 2 min)" | bc -l)" "$(fig read 2 min)" "$BW2" \
        "$(echo "$BW2 / $(fig read 2 min)" | bc -l)" "$BC2"
done
