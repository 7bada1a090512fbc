#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks that every C block of a guide that starts with `// from PATH` is a verbatim part of
that file, so the snippets in docs/ cannot drift from the examples the build compiles.

usage: check_snippets.py SOURCE_ROOT GUIDE.md...
"""
import os
import re
import sys

BLOCK = re.compile(r"```c\n// from (\S+)\n(.*?)\n```", re.S)


def main():
    root, guides = sys.argv[1], sys.argv[2:]
    bad = checked = 0
    for guide in guides:
        with open(guide) as f:
            text = f.read()
        for path, body in BLOCK.findall(text):
            checked += 1
            with open(os.path.join(root, path)) as f:
                if body not in f.read():
                    print("%s: a snippet no longer matches %s:\n%s" % (guide, path, body))
                    bad += 1
    print("%d snippet(s) checked, %d stale" % (checked, bad))
    return 1 if bad or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
