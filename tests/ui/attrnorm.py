#!/usr/bin/env python3
"""Canonical form of a `tmux capture-pane -p -e` screen for attribute goldens.

ncurses may paint the same blank cells in different ways (spaces in the bar's
colours, or an erase that leaves the foreground at its default), depending on
what the screen held before; a person sees no difference. So a blank cell's
foreground, bold and dim are dropped, and each line is
written as runs of identical attributes, each run opened by one full SGR
sequence (`ESC[0;…m`, reverse last so that tests looking for it at the end still
find it). Background, reverse and underline of blanks are kept (they show), except at
the end of a line, where blanks are dropped."""
import re
import sys

SGR = re.compile(r"\x1b\[([0-9;]*)m")


def apply(state, params):
    ps = [int(p) if p else 0 for p in params.split(";")] if params else [0]
    i = 0
    while i < len(ps):
        p = ps[i]
        if p == 0:
            state.clear()
        elif p in (1, 2, 3, 4, 5, 7, 8, 9):
            state[p] = True
        elif p in (22,):
            state.pop(1, None); state.pop(2, None)
        elif p in (23, 24, 25, 27, 28, 29):
            state.pop(p - 20, None)
        elif 30 <= p <= 37 or 90 <= p <= 97:
            state["fg"] = str(p)
        elif p == 39:
            state.pop("fg", None)
        elif 40 <= p <= 47 or 100 <= p <= 107:
            state["bg"] = str(p)
        elif p == 49:
            state.pop("bg", None)
        elif p in (38, 48) and i + 1 < len(ps):
            key = "fg" if p == 38 else "bg"
            if ps[i + 1] == 5 and i + 2 < len(ps):
                state[key] = "%d;5;%d" % (p, ps[i + 2]); i += 2
            elif ps[i + 1] == 2 and i + 4 < len(ps):
                state[key] = "%d;2;%d;%d;%d" % (p, ps[i + 2], ps[i + 3], ps[i + 4]); i += 4
        i += 1


def code(a):
    out = ["0"]
    for k in (1, 2, 3, 4, 5, 8, 9):
        if a.get(k):
            out.append(str(k))
    if "fg" in a:
        out.append(a["fg"])
    if "bg" in a:
        out.append(a["bg"])
    if a.get(7):
        out.append("7")
    return "\x1b[" + ";".join(out) + "m"


def main():
    state = {}
    for line in sys.stdin.read().split("\n"):
        cells = []
        pos = 0
        for m in SGR.finditer(line):
            for ch in line[pos:m.start()]:
                cells.append((ch, dict(state)))
            apply(state, m.group(1))
            pos = m.end()
        for ch in line[pos:]:
            cells.append((ch, dict(state)))
        # tmux keeps a line's trailing blanks or not, depending on how ncurses
        # cleared them (spaces, or an erase in the background colour)
        while cells and cells[-1][0] == " ":
            cells.pop()
        out, prev_code = [], None
        for ch, a in cells:
            if ch == " ":
                a = dict(a)
                for k in ("fg", 1, 2):
                    a.pop(k, None)
            c = code(a)
            if c != prev_code:
                out.append(c)
                prev_code = c
            out.append(ch)
        sys.stdout.write("".join(out) + "\n")


main()
