"""Sources: other offices' civtrack repositories, read through git (issue 16; docs/sources.md).

* ``config``: the `[sources.NAME]` tables of civtrack.toml, checked before git sees them;
* ``gitrepo``: the bare clone in .civtrack/sources/<name>: fetch, the commit in use, how far behind;
* ``remote``: a source's plans and series at one commit, from git objects, cached by commit id;
* ``links``: `from: source/plan/indicator[/part]`, its checks and rule 14 (pure);
* ``view``: the local snapshot with its links applied and the sources' plans beside it;
* ``review``: what a change of civtrack.toml's sources brings, for `civtrack diff`;
* ``messages``: every message with its code (SRC01…).
"""
