"""How fast this machine runs plain Python right now, printed beside every benchmark table.

The reference machine is a shared 2-core VM whose speed drifts by a third within an hour (other
guests on the same host): the same request measured 29 ms and 48 ms twenty minutes apart. A
figure is only comparable with another taken at a similar speed, so each run records this one.
"""

import statistics
import time


def _workload() -> int:
    # What a Django request is made of: attribute and dict lookups, small strings, function calls.
    table = {f"key{index}": index for index in range(2000)}
    total = 0
    for _round in range(40):
        for key, value in table.items():
            total += len(f"{key}:{value}".split(":")[0]) + table.get(key, 0)
    return total


def python_speed_ms(repeat: int = 7) -> float:
    """Median milliseconds of a fixed pure-Python workload: lower is faster (26–27 ms on the
    reference machine on 2026-11-26 at 18:30 UTC)."""
    timings = []
    for _run in range(repeat):
        started = time.perf_counter()
        _workload()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def describe() -> str:
    return f"Python speed probe {python_speed_ms():.0f} ms (benchmarks/machine.py; lower is faster)"
