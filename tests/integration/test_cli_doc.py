#!/usr/bin/env python3
"""docs/cli.md is the command-line contract; the binary's one table of
commands and options (ui/cli/table.c) is what runs. They must say the same:
every command's synopsis (as `artriage --help` prints it from the table)
is a row of the doc's command table, word for word, and every row there is
a command; every global option is a row of the doc's global options table
and every row there is an option. The planned section is not checked.
Also the promises of the exit-status paragraph about bad usage."""
import os
import re
import subprocess
import sys

SRC = os.environ["ARTRIAGE_SRC"]
BIN = os.environ["ARTRIAGE_BIN"]
ENV = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
fails = []


def run(*args):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, env=ENV, timeout=60)
    return p.returncode, p.stdout, p.stderr


def section(doc, title):
    m = re.search(r"^## " + re.escape(title) + r"\n(.*?)(?=^## )", doc, re.S | re.M)
    return m.group(1) if m else ""


def first_table(text):
    """The first cells of the first Markdown table in text, `code` unwrapped, \\| unescaped."""
    rows, started = [], False
    for line in text.splitlines():
        if line.startswith("|"):
            started = True
            cell = re.split(r"(?<!\\)\|", line)[1].strip()
            if cell.startswith("`") and cell.endswith("`"):
                rows.append(cell[1:-1].replace("\\|", "|"))
        elif started:
            break
    return rows


doc = open(os.path.join(SRC, "docs", "cli.md"), encoding="utf-8").read()

# commands: the synopses printed by --help, from the table
rc, out, _ = run("--help")
assert rc == 0, "artriage --help failed"
block = out.split("\nCommands:\n", 1)[1].split("\nGlobal options", 1)[0]
synopses = [l.strip() for l in block.splitlines() if l.startswith("  ") and not l.startswith("      ")]
if len(synopses) < 10:
    fails.append("too few commands in --help: %r" % synopses)
doc_cmds = first_table(section(doc, "Commands"))
for s in synopses:
    if s not in doc_cmds:
        fails.append("docs/cli.md's command table lacks `%s`" % s)
for d in doc_cmds:
    if d not in synopses:
        fails.append("docs/cli.md lists `%s`, which artriage does not have (or not so)" % d)

# global options: the long and short names of each, from the same help
gblock = out.split("\nGlobal options", 1)[1]
opts = re.findall(r"^  (?:-(\w), )?\s*--([\w-]+)", gblock, re.M)
if len(opts) < 10:
    fails.append("too few global options in --help: %r" % opts)
doc_opts = first_table(section(doc, "Global options"))
doc_names = set()
for row in doc_opts:
    doc_names.update(re.findall(r"(?<![\w-])(--?[\w-]+)", row))
for short, lng in opts:
    if "--" + lng not in doc_names:
        fails.append("docs/cli.md's global options lack --%s" % lng)
    if short and "-" + short not in doc_names:
        fails.append("docs/cli.md's global options lack -%s" % short)
known = {"--" + l for _, l in opts} | {"-" + s for s, _ in opts if s}
for n in sorted(doc_names - known):
    fails.append("docs/cli.md names the global option %s, which artriage does not have" % n)

# each command's own options are in its --help and in the doc's row
for s in synopses:
    words = s.split()
    cmd = [words[0]] + ([words[1]] if words[0] == "note" else [])
    rc, h, _ = run(*cmd, "--help")
    if rc != 0 or not h.startswith("usage: artriage " + s):
        fails.append("`artriage %s --help` does not open with its synopsis: %r" % (" ".join(cmd), h[:120]))
    if "Examples:" not in h:
        fails.append("`artriage %s --help` has no examples" % " ".join(cmd))

# exit status 2 for bad usage, one message line naming the option
for args, needle in ((["--nosuch"], "unknown option '--nosuch'"), (["list", "--nosuch"], "unknown option '--nosuch'"),
                     (["nosuch"], "unknown command 'nosuch'"), (["list", "--phase"], "needs a value")):
    rc, _, err = run(*args)
    if rc != 2 or not err.startswith("artriage: ") or needle not in err.splitlines()[0]:
        fails.append("artriage %s: rc %d, %r" % (" ".join(args), rc, err[:200]))

for f in fails:
    print("FAIL:", f)
print("checked %d commands, %d global options" % (len(synopses), len(opts)))
sys.exit(1 if fails else 0)
