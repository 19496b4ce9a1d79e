#!/usr/bin/env python3
"""confdoc.t - every configuration key is documented.

The keys are read from the typed key tables in parser/ (entries
{"name", SM_CONF_...}); each must appear in support-milter.conf(5) on a
.B/.BR line (where the page names its keys) and in conf/support-milter.conf
(as a setting or in a comment).  A key added to a table without its
documentation fails here, naming the key and the file of its table.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "milter"))
import smtest  # noqa: E402

t = smtest.Tap()
TOP = smtest.TOP
keys = {}
for root, _, files in os.walk(os.path.join(TOP, "parser")):
    for name in files:
        if name.endswith(".c"):
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as f:
                for m in re.finditer(r'\{\s*"([a-z_0-9]+)"\s*,\s*SM_CONF_[A-Z]+', f.read()):
                    keys.setdefault(m.group(1), os.path.relpath(path, TOP))
with open(os.path.join(TOP, "docs", "support-milter.conf.5"), encoding="utf-8") as f:
    man = "\n".join(ln for ln in f.read().splitlines() if ln.startswith((".B ", ".BR ", ".IP ", ".SH ", ".SS ")))
with open(os.path.join(TOP, "conf", "support-milter.conf"), encoding="utf-8") as f:
    conf = f.read()
t.ok(len(keys) >= 60, "key tables found in parser/ (%d keys)" % len(keys))
undoc = sorted(k for k in keys if not re.search(r"\b%s\b" % re.escape(k), man))
t.ok(not undoc, "support-milter.conf(5) names every key")
for k in undoc:
    t.diag("not in docs/support-milter.conf.5: %s (%s)" % (k, keys[k]))
missing = sorted(k for k in keys if not re.search(r"\b%s\b" % re.escape(k), conf))
t.ok(not missing, "conf/support-milter.conf shows every key")
for k in missing:
    t.diag("not in conf/support-milter.conf: %s (%s)" % (k, keys[k]))
t.done()
