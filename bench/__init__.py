"""Benchmarks: `make bench` prints a table. Targets live here, not in timed tests.

lrs: POST/GET of the LRS (issue #3); forwarding: delivery to a peer (issue #4); national: rebuild,
incremental update and ambassador pass at national scale (issue #6); pages: the managers'
dashboards on the national database (issue #7); evaluation: the evaluation pages on generated data
(issue #18, a database of its own).
"""

BENCHMARKS = ("lrs", "forwarding", "national", "pages", "evaluation")
