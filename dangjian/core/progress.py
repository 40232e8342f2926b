"""A progress bar for long commands (the big demo cities)."""

import sys
import time
from collections.abc import Callable


class Progress:
    """A progress bar on a terminal (``\\r`` redraws); elsewhere a line every tenth of the way."""

    def __init__(self, total: int, *, label: str, log: Callable[[str], None], stream=None):
        self.total, self.label, self.log = max(total, 1), label, log
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.done = 0
        self.started = time.monotonic()
        self._next_line = 0.1

    def advance(self, count: int) -> None:
        self.done += count
        fraction = min(self.done / self.total, 1.0)
        elapsed = time.monotonic() - self.started
        text = f"{self.label} {self.done:,}/{self.total:,} {fraction:4.0%} {elapsed:5.1f} s"
        if self.tty:
            bar = "█" * int(30 * fraction) + "·" * (30 - int(30 * fraction))
            self.stream.write(f"\r  [{bar}] {text}")
            self.stream.flush()
        elif fraction >= self._next_line:
            self.log(f"  {text}")
            self._next_line = (int(fraction * 10) + 1) / 10

    def finish(self) -> float:
        elapsed = time.monotonic() - self.started
        if self.tty:
            self.stream.write("\n")
        self.log(f"  {self.label}：{self.done:,}，{elapsed:.1f} 秒")
        return elapsed
