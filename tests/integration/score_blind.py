#!/usr/bin/env python3
"""Scores `artriage classify` on the two blind sets (issue #15) and prints the
figures; it measures, it does not assert (so it is not named test_*.py and
ctest does not run it).

  tests/data/classify-blind4: agent/CI logs; labels.tsv gives the root-cause
      class and its first line (`none`/0 for successful runs).
  tests/data/ci-blind: failing CI builds NNN-fail.log, each with a passing
      twin NNN-pass.log; labels.tsv as above, ranges.tsv the line ranges of
      the decisive error messages.
  tests/data/ci-real: real, unedited, full-length CI build logs NNN-fail.log
      (Travis CI, GitHub Actions, Buildkite); a real passing log NNN-pass.log
      only where one exists; labels.tsv and ranges.tsv as for ci-blind.

Every log is copied to a temporary file named case.log (and a passing twin to
baseline.log) so that the file name gives nothing away. Failed runs are
classified with `--outcome failed`, successful ones without it. For ci-blind
the builds are scored alone and, if the binary accepts `--baseline FILE`,
again with the passing twin as baseline. For ci-real the baseline run covers
only the builds that have a passing log, and the same subset is also shown
alone so that the two figures compare like with like.

Line numbers in the labels and ranges count LF, CRLF and a lone CR as line
ends; each log is handed over with its lone CRs made LFs (as the outside
measurement does), so the classifier's `line` is compared as it is.

  tests/data/ci-blind5: real public CI, package-manager, git/gh, agent-CLI
      and Kubernetes logs (failed and successful); labels.tsv as for
      classify-blind4, ranges.tsv the decisive lines of each failed log.
  tests/data/agent-blind6: real public agent-CLI, git/gh, package-manager,
      argument-parser and Kubernetes logs (failed and successful, wrapped and
      indented wordings); same files as ci-blind5.
  tests/data/agent-blind7: real public agent-CLI, git/gh, package-manager,
      test-runner, CI and Kubernetes logs (failed and successful), labelled
      before any classifier run; files as for ci-blind5.
  tests/data/agent-blind8: real public agent-CLI, git/gh, package-manager,
      test-runner, helm and Kubernetes logs (failed and successful; wrapped,
      indented, prefixed and JSON-wrapped wordings), labelled before any
      classifier run; files as for ci-blind5.
  tests/data/agent-blind9: real public agent-CLI, git/gh, package-manager,
      test-runner, Kubernetes and CI logs (failed and successful; one-line,
      glued, boxed, backticked, timestamped and indented wordings), labelled
      before any classifier run; files as for ci-blind5.
  tests/data/agent-blind10: real public agent-CLI and git/gh logs and the
      tools agents call in their pod (failed and successful; blockquoted,
      JSON-line, s6-prefixed, crash-banner and warning-heavy wordings),
      labelled before any classifier run; files as for ci-blind5.
  tests/data/agent-blind11: real public package-manager, test-runner,
      compiler, Kubernetes and container-build logs (failed and successful;
      newest-first events, numbered npm debug logs, buildkit-stamped and
      markdown-framed wordings), labelled before any classifier run; files
      as for ci-blind5.
  tests/data/agent-blind12: real public LONG logs committed to repositories
      (deploy logs, GitHub Actions job logs, Travis, BuildKit, Gradle, Maven,
      a JVM hs_err report; failed and successful; the cause buried among
      hundreds of lines, recovered errors and quoted commit prose), labelled
      before any classifier run; files as for ci-blind5.
  tests/data/agent-blind13: real public logs of the platform around an agent
      run (Kubernetes events, RBAC/quota/admission refusals, Argo, Tekton,
      Helm, cloud CLIs and registries, GitHub Actions runners; failed and
      successful; klog-prefixed, tab-separated, Status-JSON and boxed
      wordings), labelled before any classifier run; files as for ci-blind5.
  tests/data/agent-blind14: real public LONG coding-agent transcripts
      committed to repositories (aider chat histories, Claude Code
      stream-json/TUI/`claude -p` reports, `codex exec`, Gemini CLI; failed
      and successful; pasted errors, retried 429s and tool errors the agent
      recovered from), labelled before any classifier run; files as for
      ci-blind5.
  tests/data/agent-blind15: real public build/test/migration output of language
      toolchains as pasted into issues (CMake, make/ninja, go, cargo/rustup,
      Maven/Gradle, uv/tox/pytest, pnpm/bun/tsc/eslint, dotnet/NuGet, mix,
      stack/GHC, flutter, composer, prisma/flyway/alembic/rake; failed and
      successful; prompts, backticks, boxes, IDE and CI-UI copies), labelled
      before any classifier run; files as for ci-blind5.
  tests/data/agent-blind16: real public logs of what fails around an agent's
      change (LLM provider/gateway errors, MCP start-up and tool calls, GitHub
      push rules, API rate limits, gh pr create, TLS interception, ENOSPC;
      failed and successful; bypassed-rule pushes and clock-skew builds),
      labelled before any classifier run; files as for ci-blind5.
  tests/data/agent-blind17: real public test-runner output (jest, mocha, libtest,
      go test, surefire, dotnet, rspec/cucumber, PHPUnit, ExUnit, ctest,
      Playwright, pytest; failed and successful; reruns, expected panics,
      pending failures), labelled before any classifier run; files as for
      ci-blind5.
  tests/data/agent-blind19: real public logs aimed at false primaries (successful
      builds, installs, tests and agent sessions printing error/warning/fatal
      lines, plus failed runs of the same tools), labelled before any classifier
      run; files as for ci-blind5.
  tests/data/agent-blind20: real public logs of coding-agent frameworks earlier sets had not
      covered (OpenHands, mini-swe-agent batch logs and trajectories, goose, opencode, crush, Cline,
      Qwen Code, Copilot agents; failed and successful; inline, blockquoted, JSON trajectories and
      long committed transcripts), labelled before any classifier run; files as for ci-blind5.
  tests/data/agent-blind18: real public argument-parser refusals (clap, cobra,
      argparse, commander, yargs, git) and package-manager/agent-CLI failures in
      pasted shapes (`>`-quoted, prompts, wrapped, glued to fences; failed and
      successful with warnings), labelled before any classifier run; files as
      for ci-blind5.
  tests/data/agent-blind21: real public logs of coding agents run inside CI/automation
      (claude-code-action, codex-action, run-gemini-cli, OpenHands resolver, hive-mind; OIDC and
      app-token exchange, missing secrets, push/PR refusals, turn budgets; failed and successful,
      long job logs), labelled before any classifier run; files as for ci-blind5.
  tests/data/agent-blind22: real public failures of package managers, git hosting CLIs and build
      tools earlier sets had not covered (glab, git-lfs, pre-commit, micromamba, pipx, nix, goreleaser,
      semantic-release, CocoaPods, podman, cabal, deno, pulumi, terragrunt, turbo, helm/helmfile;
      failed and successful; warnings on successful runs), labelled before any classifier run; files
      as for ci-blind5.
  tests/data/ci-blind6: real, unedited GitHub Actions job logs NNN-fail.log
      (make/clang, bazel, Gradle, Terraform, cargo, vitest, npm, phpunit,
      pytest, Unity), a real passing log NNN-pass.log only where one exists;
      labels.tsv and ranges.tsv as for ci-real, scored like ci-real.
  tests/data/ci-blind7: real, unedited CI job logs in Jenkins, GitLab CI, Travis CI,
      CircleCI and GitHub Actions framings (Maven, Gradle, go test, Terraform, clippy,
      pre-commit, flake8, behave, docker deploys), a real passing log NNN-pass.log only
      where one exists; scored like ci-real.
  tests/data/ci-blind8: real, unedited CI job logs, GitHub Actions (raw, gh run view and
      --log-failed shapes, multi-job) and AWS CodeBuild (pytest, Playwright, cargo fmt,
      cargo-deny, clang-tidy under bazel, Maven/javac, Quarkus, CMake, west/Zephyr, typos,
      docker pull), a real passing log NNN-pass.log only where one exists; scored like ci-real.
  tests/data/ci-blind9: real, unedited CI job logs, Jenkins (Markdown-formatted console
      output), a GitLab CI job-page copy (Gradle) and Azure Pipelines (checkout); no passing
      logs; scored like ci-real.
  tests/data/ci-blind12: real, unedited GitHub Actions job logs (raw archive, gh run view
      --log and --log-failed with several jobs: golangci-lint, buildx, nextest, tsc, Maven
      spotless, ruff, pytest, pip, Playwright, azure/login); no passing logs; scored like
      ci-real.
  tests/data/ci-blind11: real, unedited CI job logs, Jenkins declarative ([Pipeline] lines,
      console notes, Windows bat steps), Jenkins freestyle and Buildkite (_bk;t= stamps,
      CRLF, ^^^ +++); one real passing log; scored like ci-real.
  tests/data/ci-blind13: real, unedited GitHub Actions job logs of Go projects (go fuzz,
      golangci-lint, chainsaw/uptest, kuttl, Ginkgo, make/devbox); one real passing log
      (a sibling shard of the same fuzz job); scored like ci-real.

Usage: score_blind.py [-v] [--set NAME|both|all]  (NAME: a key of SETS below)
  (both = blind4 and ci, as before; all = every set)
Environment: ARTRIAGE_BIN (default build-rel/artriage, then build/artriage),
ARTRIAGE_SRC (default: the repository holding this script)."""
import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("ARTRIAGE_SRC", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BLIND4 = os.path.join(SRC, "tests", "data", "classify-blind4")
CIBLIND = os.path.join(SRC, "tests", "data", "ci-blind")
# --set NAME -> (directory under tests/data, scorer). "agent": labels.tsv sets (score_blind4),
# "ci": failing builds with ranges and passing twins (score_ci). A new set is one line here.
SETS = {
    "blind4": ("classify-blind4", "agent"),
    "ci": ("ci-blind", "ci"),
    "ci-real": ("ci-real", "ci"),
    "blind5": ("ci-blind5", "agent"),
    "blind6": ("agent-blind6", "agent"),
    "blind7": ("agent-blind7", "agent"),
    "blind8": ("agent-blind8", "agent"),
    "blind9": ("agent-blind9", "agent"),
    "blind10": ("agent-blind10", "agent"),
    "blind11": ("agent-blind11", "agent"),
    "blind12": ("agent-blind12", "agent"),
    "blind13": ("agent-blind13", "agent"),
    "blind14": ("agent-blind14", "agent"),
    "blind15": ("agent-blind15", "agent"),
    "blind16": ("agent-blind16", "agent"),
    "blind17": ("agent-blind17", "agent"),
    "blind19": ("agent-blind19", "agent"),
    "blind20": ("agent-blind20", "agent"),
    "blind18": ("agent-blind18", "agent"),
    "blind21": ("agent-blind21", "agent"),
    "blind22": ("agent-blind22", "agent"),
    "ci6": ("ci-blind6", "ci"),
    "ci7": ("ci-blind7", "ci"),
    "ci8": ("ci-blind8", "ci"),
    "ci9": ("ci-blind9", "ci"),
    "ci10": ("ci-blind10", "ci"),
    "ci11": ("ci-blind11", "ci"),
    "ci12": ("ci-blind12", "ci"),
    "ci13": ("ci-blind13", "ci"),
}
NEAR = 3  # a line within this many lines of the label counts as "near"


def find_bin():
    env = os.environ.get("ARTRIAGE_BIN")
    if env:
        return env
    for d in ("build-rel", "build"):
        p = os.path.join(SRC, d, "artriage")
        if os.access(p, os.X_OK):
            return p
    raise SystemExit("score_blind: no artriage binary; build it or set ARTRIAGE_BIN")


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        return [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f if line.strip()]


def lone_cr_to_lf(src, dst):
    """Copies src to dst with every lone CR (not followed by LF) made an LF, as the outside
    measurement hands logs over (BENCHMARKS: lines numbered by LF, a lone CR treated as a
    line end first), so that the classifier's LF numbering is the labels' numbering."""
    with open(src, "rb") as f:
        data = f.read()
    data = re.sub(rb"\r(?!\n)", b"\n", data)
    with open(dst, "wb") as f:
        f.write(data)


def classify(binary, log, tmp, outcome, baseline=None):
    """Returns (class, line) of the primary finding, ('none', 0) when there is none."""
    case = os.path.join(tmp, "case.log")
    lone_cr_to_lf(log, case)
    cmd = [binary, "classify", case, "-o", "json"]
    if outcome:
        cmd += ["--outcome", outcome]
    if baseline:
        base = os.path.join(tmp, "baseline.log")
        lone_cr_to_lf(baseline, base)
        cmd += ["--baseline", base]
    p = subprocess.run(cmd, capture_output=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (" ".join(cmd[1:]), p.returncode,
                                                 p.stderr.decode(errors="replace").strip()[:300]))
    res = json.loads(p.stdout)
    prim = res.get("primary")
    if not prim:
        return "none", 0
    return prim.get("class") or "none", int(prim.get("line") or 0)


def lf_to_cr_spans(path):
    """For each LF-numbered line (CRLF counts once), the span of line numbers it covers when a
    lone CR also ends a line, as used by labels.tsv and ranges.tsv: {lf_line: (first, last)}."""
    with open(path, "rb") as f:
        data = f.read()
    spans = {}
    n = 1
    for k, line in enumerate(data.split(b"\n"), 1):
        lone = line.rstrip(b"\r").count(b"\r")
        spans[k] = (n, n + lone)
        n += 1 + lone
    return spans


def baseline_supported(binary, tmp):
    """True if `classify --baseline FILE` is accepted (exit status 0 on a tiny pair)."""
    a = os.path.join(tmp, "probe.log")
    b = os.path.join(tmp, "probe-base.log")
    with open(a, "w") as f:
        f.write("step 1\nerror: something broke\nexit 1\n")
    with open(b, "w") as f:
        f.write("step 1\nexit 0\n")
    p = subprocess.run([binary, "classify", a, "--outcome", "failed", "-o", "json", "--baseline", b],
                       capture_output=True, timeout=60)
    return p.returncode == 0


def score_blind4(binary, tmp, verbose, root=BLIND4, name="classify-blind4"):
    """Scores a set of failed and successful logs (labels.tsv: class and first line). If the
    set has a ranges.tsv (ci-blind5, agent-blind7), the primary line of a failed log is also
    checked against its marked ranges."""
    rows = read_tsv(os.path.join(root, "labels.tsv"))
    ranges = collections.defaultdict(list)
    rpath = os.path.join(root, "ranges.tsv")
    if os.path.exists(rpath):
        for r in read_tsv(rpath):
            ranges[r["file"]].append((int(r["start"]), int(r["end"])))
    in_range = ranged_n = 0
    ok_class = ok_line = near = fail_n = 0
    false_prim = success_n = 0
    errors = 0
    per = collections.Counter()
    hit = collections.Counter()
    for r in rows:
        want, want_line = r["primary"], int(r["line"] or 0)
        try:
            got, got_line = classify(binary, os.path.join(root, r["file"]), tmp,
                                     None if want == "none" else "failed")
        except RuntimeError as e:
            errors += 1
            got, got_line = "ERROR", 0
            print("  error %s: %s" % (r["file"], e))
        per[want] += 1
        if want == "none":
            success_n += 1
            if got != "none":
                false_prim += 1
        else:
            fail_n += 1
            if ranges.get(r["file"]):
                ranged_n += 1
                in_range += any(a <= got_line <= b for a, b in ranges[r["file"]])
        if got == want:
            ok_class += 1
            hit[want] += 1
            if got_line == want_line:
                ok_line += 1
            if want != "none" and abs(got_line - want_line) <= NEAR:
                near += 1
        if verbose:
            mark = "ok " if got == want and got_line == want_line else ("cls" if got == want else "BAD")
            print("  %s %-52s want %-27s %4d  got %-27s %4d" % (mark, r["file"][:52], want, want_line, got, got_line))
    n = len(rows)
    print("%s: %d logs (%d failed, %d successful)%s" % (name, n, fail_n, success_n,
                                                                      ", %d classify errors" % errors if errors else ""))
    print("  class accuracy      %5.1f%% (%d/%d)" % (100.0 * ok_class / n, ok_class, n))
    print("  exact-line accuracy %5.1f%% (%d/%d; class right and line equal, 'none' counts with line 0)"
          % (100.0 * ok_line / n, ok_line, n))
    print("  near-line (±%d)      %5.1f%% (%d/%d failed logs; class right)" % (NEAR, 100.0 * near / max(fail_n, 1), near, fail_n))
    if ranged_n:
        print("  primary line inside a marked range %5.1f%% (%d/%d failed logs; any class)"
              % (100.0 * in_range / ranged_n, in_range, ranged_n))
    print("  false primaries on successful logs: %d/%d" % (false_prim, success_n))
    print("  recall by class: " + ", ".join("%s %d/%d" % (c, hit[c], per[c]) for c in sorted(per)))


def score_ci(binary, tmp, verbose, root=CIBLIND, name="ci-blind"):
    """Scores a set of failing builds with line ranges (ci-blind, ci-real). A build's passing
    log NNN-pass.log is optional: the baseline run and the false-primary check on passing logs
    cover only the builds that have one."""
    labels = {r["file"]: r for r in read_tsv(os.path.join(root, "labels.tsv"))}
    ranges = collections.defaultdict(list)
    for r in read_tsv(os.path.join(root, "ranges.tsv")):
        ranges[r["file"]].append((int(r["start"]), int(r["end"])))
    twins = {}
    for f in labels:
        t = os.path.join(root, f.replace("-fail.log", "-pass.log"))
        if os.path.exists(t):
            twins[f] = t
    use_base = baseline_supported(binary, tmp)
    n = len(labels)
    paired = sorted(twins)
    modes = [("alone", False, sorted(labels))]
    if use_base and paired:
        if len(paired) < n:
            modes.append(("alone, paired only", False, paired))
        modes.append(("with baseline", True, paired))
    print("%s: %d failing builds, %d with a passing log; --baseline %s" % (
        name, n, len(paired), "supported" if use_base else "not supported by this binary (alone only)"))
    for mode, with_base, files in modes:
        in_range = ok_class = ok_line = errors = 0
        in_range_lf = 0
        per = collections.Counter()
        hit = collections.Counter()
        for f in files:
            r = labels[f]
            log = os.path.join(root, f)
            try:
                got, got_line = classify(binary, log, tmp, "failed", twins[f] if with_base else None)
            except RuntimeError as e:
                errors += 1
                got, got_line = "ERROR", 0
                print("  error %s (%s): %s" % (f, mode, e))
            inside = any(a <= got_line <= b for a, b in ranges[f])
            in_range += inside
            per[r["primary"]] += 1
            hit[r["primary"]] += inside
            # Diagnostic: the same check if the binary numbers lines by LF only.
            lo, hi = lf_to_cr_spans(log).get(got_line, (0, 0))
            in_range_lf += any(a <= hi and lo <= b for a, b in ranges[f])
            ok_class += got == r["primary"]
            ok_line += got == r["primary"] and got_line == int(r["line"])
            if verbose:
                print("  %s %s %-13s want %-27s %5d %-18s got %-27s %5d" % (
                    "in " if inside else "OUT", f, mode[:13], r["primary"], int(r["line"]),
                    ",".join("%d-%d" % x for x in ranges[f])[:18], got, got_line))
        m = len(files)
        pass_false = 0
        if mode == "alone":
            # The passing logs, classified on their own, should get no primary.
            for f in paired:
                try:
                    got, _ = classify(binary, twins[f], tmp, None)
                except RuntimeError as e:
                    errors += 1
                    got = "ERROR"
                    print("  error %s: %s" % (os.path.basename(twins[f]), e))
                pass_false += got != "none"
        print("  [%s] primary line inside a marked range %5.1f%% (%d/%d)" % (mode, 100.0 * in_range / m, in_range, m))
        print("  [%s]   (diagnostic: %5.1f%% (%d/%d) if the binary's line is read as LF-only numbering,"
              " a lone CR not ending a line)" % (mode, 100.0 * in_range_lf / m, in_range_lf, m))
        print("  [%s] class accuracy %5.1f%% (%d/%d), exact line %5.1f%% (%d/%d)%s" % (
            mode, 100.0 * ok_class / m, ok_class, m, 100.0 * ok_line / m, ok_line, m,
            ", %d classify errors" % errors if errors else ""))
        print("  [%s] in range by class: %s" % (mode, ", ".join("%s %d/%d" % (c, hit[c], per[c]) for c in sorted(per))))
        if mode == "alone" and paired:
            print("  [passing logs, no --outcome] false primaries: %d/%d" % (pass_false, len(paired)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per log")
    ap.add_argument("--set", choices=tuple(SETS) + ("both", "all"), default="both")
    args = ap.parse_args()
    binary = find_bin()
    wanted = {"both": ("blind4", "ci"), "all": tuple(SETS)}.get(args.set, (args.set,))
    with tempfile.TemporaryDirectory(prefix="score-blind-") as tmp:
        for name in wanted:
            d, kind = SETS[name]
            score = score_blind4 if kind == "agent" else score_ci
            score(binary, tmp, args.verbose, os.path.join(SRC, "tests", "data", d), d)
    return 0


if __name__ == "__main__":
    sys.exit(main())
