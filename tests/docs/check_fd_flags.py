#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks that the library never creates a file descriptor a forked-and-exec'd child could
inherit: every open(), openat(), socket(), socketpair(), accept4(), pipe2(), dup3(),
epoll_create1(), eventfd(), timerfd_create(), memfd_create() and mkostemp() call in the library's
sources passes its CLOEXEC flag, every fopen()/freopen() mode holds "e", and the calls that
cannot take the flag (creat, accept, pipe, dup, dup2, epoll_create, mkstemp) are not used.
A call may be excused by ALLOWED below, with the reason.

usage: check_fd_flags.py SOURCE_ROOT [DIR...]   (default DIRs: the library's source folders)
Prints each call checked; exits 1 when one breaks the rule, or when nothing was checked.
"""
import os
import re
import sys

LIBRARY_DIRS = ["sdk", "exporters", "propagators", "samplers"]

# call -> the flag its arguments must name (None: the call is not allowed at all).
NEEDS = {
    "open": "O_CLOEXEC", "openat": "O_CLOEXEC", "socket": "SOCK_CLOEXEC",
    "socketpair": "SOCK_CLOEXEC", "accept4": "SOCK_CLOEXEC", "pipe2": "O_CLOEXEC",
    "dup3": "O_CLOEXEC", "epoll_create1": "EPOLL_CLOEXEC", "eventfd": "EFD_CLOEXEC",
    "timerfd_create": "TFD_CLOEXEC", "memfd_create": "MFD_CLOEXEC", "mkostemp": "O_CLOEXEC",
    "creat": None, "accept": None, "pipe": None, "dup": None, "dup2": None,
    "epoll_create": None, "mkstemp": None,
}
MODE_CALLS = {"fopen", "freopen"}

# (path relative to the source root, call): why it is fine.
ALLOWED = {
    ("sdk/metrics/record.c", "accept"):
        "a static function of the record path named accept, not the socket call",
}

CALL = re.compile(r"(?<![\w.>])(%s)\s*\(" % "|".join(sorted(set(NEEDS) | MODE_CALLS)))


def strip_comments(text):
    """Blanks out comments and string literals' contents, keeping offsets and newlines."""
    out = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def call_args(text, start):
    """The text between the parenthesis at start and its match."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1:i]
    return text[start + 1:]


def check_file(root, path):
    rel = os.path.relpath(path, root)
    with open(path, errors="replace") as f:
        raw = f.read()
    code = strip_comments(raw)
    problems, checked = [], 0
    for m in CALL.finditer(code):
        name = m.group(1)
        line = code.count("\n", 0, m.start()) + 1
        where = "%s:%d: %s()" % (rel, line, name)
        if (rel, name) in ALLOWED:
            print("%s: allowed: %s" % (where, ALLOWED[(rel, name)]))
            continue
        # A declaration or definition of a function of that name is not a call.
        before = code[code.rfind("\n", 0, m.start()) + 1:m.start()]
        if re.search(r"\b(static|extern)\b|\w[\w\s\*]*\s$", before) and "=" not in before \
                and "return" not in before and "(" not in before:
            continue
        args = call_args(raw, raw.index("(", m.end() - 1))
        checked += 1
        if name in MODE_CALLS:
            modes = re.findall(r'"([^"]*)"', args)
            if not modes or "e" not in modes[-1]:
                problems.append('%s: mode must hold "e" (close on exec)' % where)
            continue
        flag = NEEDS[name]
        if flag is None:
            problems.append("%s: cannot set close-on-exec; use the *_CLOEXEC form" % where)
        elif flag not in args:
            problems.append("%s: without %s" % (where, flag))
        else:
            print("%s: %s" % (where, flag))
    return problems, checked


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = sys.argv[1]
    dirs = sys.argv[2:] or LIBRARY_DIRS
    problems, checked = [], 0
    for d in dirs:
        for dirpath, _, files in os.walk(os.path.join(root, d)):
            for name in sorted(files):
                if name.endswith((".c", ".h")) and ".pb-c." not in name:
                    p, c = check_file(root, os.path.join(dirpath, name))
                    problems += p
                    checked += c
    for p in problems:
        print("FAIL " + p)
    print("%d call(s) checked, %d without close-on-exec" % (checked, len(problems)))
    return 1 if problems or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
