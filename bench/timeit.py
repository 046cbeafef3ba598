#!/usr/bin/env python3
"""Runs a command RUNS times after one warm-up under /usr/bin/time and writes the median wall time,
CPU time (user + sys) and peak RSS, with min and max, as JSON.

Usage: timeit.py OUT.json RUNS -- COMMAND...
"""
import json
import statistics
import subprocess
import sys
import tempfile


def main():
    out, runs, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[sys.argv.index("--") + 1:]
    first = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    rows = []
    for _ in range(runs):
        with tempfile.NamedTemporaryFile("r") as t:
            subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", t.name] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wall, user, system, rss = t.read().split()[-4:]
            rows.append((float(wall), float(user) + float(system), int(rss) / 1024))

    def summary(i):
        xs = [r[i] for r in rows]
        return {"min": min(xs), "median": statistics.median(xs), "max": max(xs)}

    res = {"cmd": " ".join(cmd), "runs": runs, "exit_code": first.returncode,
           "stderr_tail": first.stderr.decode("utf-8", "replace")[-300:],
           "wall_s": summary(0), "cpu_s": summary(1), "peak_rss_mib": summary(2)}
    with open(out, "w") as f:
        json.dump(res, f, indent=2)
    print(f"{res['cmd'][:80]}: wall {res['wall_s']['median']:.3f} s, cpu {res['cpu_s']['median']:.3f} s, "
          f"rss {res['peak_rss_mib']['median']:.1f} MiB (exit {first.returncode})")


if __name__ == "__main__":
    main()
