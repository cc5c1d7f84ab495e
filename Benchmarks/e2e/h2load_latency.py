#!/usr/bin/env python3
"""Summarises an h2load --log-file (start µs since epoch, HTTP status, duration µs per request):
prints `requests=N rate=R ok=K p50_us=X p99_us=Y` for scripts/bench."""
import sys

durations, starts, ok = [], [], 0
with open(sys.argv[1]) as log:
    for line in log:
        parts = line.split()
        if len(parts) < 3:
            continue
        starts.append(int(parts[0]))
        ok += parts[1].startswith("2")
        durations.append(int(parts[2]))
if not durations:
    sys.exit("no requests logged")
durations.sort()


def percentile(fraction):
    rank = max(0, min(len(durations) - 1, int(-(-len(durations) * fraction // 1)) - 1))
    return durations[rank]


span = (max(starts) - min(starts)) / 1e6 or 1
print("requests=%d rate=%.0f ok=%d p50_us=%d p99_us=%d" % (len(durations), len(durations) / span, ok, percentile(0.50), percentile(0.99)))
