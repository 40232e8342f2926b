"""How fast this machine runs plain Python right now, printed beside every benchmark table.

The reference machine is a shared 2-core VM whose speed drifts by a third within an hour (other
guests on the same host): the same request measured 29 ms and 48 ms twenty minutes apart. A
figure is only comparable with another taken at a similar speed, so each run records this one.
"""

import hashlib
import hmac
import os
import statistics
import time

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pypinyin import lazy_pinyin
from stdnum.cn import ric


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


# ARCHITECTURE.md's per-row floors, measured on the reference machine with plain libraries.
FLOORS_US = {"ID validation": 17, "pinyin": 15, "blind index": 1, "encryption": 1}


def floors() -> str:
    """This machine against those floors, measured the same way (python-stdnum's full
    ``ric.validate``, pypinyin on a three-character name, HMAC-SHA256, AES-GCM; no caches, none
    of the application's code): how much slower than the reference machine it runs right now.
    The ID validation's ratio is the least comparable: stdnum's ``validate`` spends most of its
    time searching ~7,000 region codes for the birth place, and how the floor's 17 µs treated
    that step is not recorded; pypinyin and HMAC are the fairer yardsticks."""
    bodies = [f"3201{code:02d}{1990 + index % 30}{1 + index % 12:02d}{1 + index % 28:02d}{index % 1000:03d}"
              for index, code in enumerate([2, 4, 5, 6, 11, 13, 14, 15, 16] * 200)]
    numbers = [number for number in (body + ric.calc_check_digit(body + "0") for body in bodies)
               if ric.is_valid(number)]  # a region code stdnum dates later than the birth year is left out
    characters = "建国秀英志强桂兰海燕文博玉梅庆晓东丽华德胜春生雪振淑珍明远伟敏静磊洋艳勇军杰娟涛超"
    surnames = "王李张刘陈杨黄赵吴周徐孙朱马胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
    names = [surnames[index % len(surnames)] + characters[index % len(characters)]
             + characters[(index * 7) % len(characters)] for index in range(len(numbers))]
    key, cipher, nonce = os.urandom(32), AESGCM(os.urandom(32)), os.urandom(12)
    work = {
        "ID validation": lambda: [ric.validate(number) for number in numbers],
        "pinyin": lambda: [lazy_pinyin(name) for name in names],
        "blind index": lambda: [hmac.new(key, number.encode(), hashlib.sha256).hexdigest() for number in numbers],
        "encryption": lambda: [cipher.encrypt(nonce, number.encode(), None) for number in numbers],
    }
    parts = []
    for label, run in work.items():
        started = time.perf_counter()
        run()
        microseconds = (time.perf_counter() - started) / len(numbers) * 1e6
        parts.append(f"{label} {microseconds:.1f} µs ({microseconds / FLOORS_US[label]:.1f}× the floor)")
    return "plain-library floors now: " + ", ".join(parts)
