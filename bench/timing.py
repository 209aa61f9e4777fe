#!/usr/bin/env python3
"""Side-by-side timing of shell commands, interleaved so machine noise hits both alike.

usage: timing.py RUNS NAME=COMMAND [NAME=COMMAND ...]
Each COMMAND may use {i} (the run number) to get a fresh target; a command named NAME.setup or
NAME.cleanup (passed as NAME.setup=... ) runs untimed before/after each run.
Prints one line per command: median, min, max in milliseconds, then each median's ratio to the first.
"""
import json
import statistics
import subprocess
import sys
import time


def main() -> int:
    runs = int(sys.argv[1])
    commands: dict[str, str] = {}
    hooks: dict[str, str] = {}
    for arg in sys.argv[2:]:
        name, _, command = arg.partition("=")
        (hooks if "." in name else commands)[name] = command
    timings: dict[str, list[float]] = {name: [] for name in commands}
    for i in range(runs + 1):  # run 0 warms caches and is not counted
        for name, command in commands.items():
            if f"{name}.setup" in hooks:
                subprocess.run(hooks[f"{name}.setup"].format(i=i), shell=True, check=True)
            start = time.perf_counter()
            done = subprocess.run(command.format(i=i), shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            elapsed = (time.perf_counter() - start) * 1000
            if done.returncode != 0:
                sys.stderr.write(f"{name} failed (exit {done.returncode}):\n{done.stderr.decode()}\n")
                return 1
            if f"{name}.cleanup" in hooks:
                subprocess.run(hooks[f"{name}.cleanup"].format(i=i), shell=True, check=True)
            if i > 0:
                timings[name].append(elapsed)
    first = statistics.median(next(iter(timings.values())))
    result = {}
    for name, values in timings.items():
        median = statistics.median(values)
        result[name] = {"median_ms": round(median, 2), "min_ms": round(min(values), 2),
                        "max_ms": round(max(values), 2), "ratio_to_first": round(median / first, 2)}
        print(f"{name:<24} median {median:8.2f} ms   min {min(values):8.2f}   max {max(values):8.2f}   "
              f"ratio {median / first:5.2f}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
