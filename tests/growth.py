"""How a function's time grows with its input, for tests that hold the bound
"time grows at most linearly" rather than an absolute time.

Sizes go up by STEP at a time; at each step the CPU time of the larger input
is compared with that of the smaller. A linear function takes about STEP
times longer, a quadratic one STEP * STEP; BOUND lies between, with room for
caches and timer noise. CPU time of this process, not wall time, so that other
work on the machine does not count. The ladder stops at the first step over
the bound, so a quadratic function fails at a small size instead of running
for hours at the largest.
"""

import gc
import time
from collections.abc import Callable

STEP = 4
BOUND = 2.5 * STEP
FLOOR = 0.005  # seconds: a shorter call is repeated until the repeats take this long


ROUNDS = 3  # timed rounds of repeats; the best counts


def cpu_seconds(function: Callable, argument) -> float:
    """Best of ROUNDS CPU times of function(argument), each averaged over enough
    repeats. One round can be slowed by the machine (a 0.24 ms call once timed
    as 6.56 ms four times larger, and a linear function failed the bound); the
    best of three rarely is."""
    began = time.process_time()
    function(argument)
    once = time.process_time() - began
    repeats = 1 if once >= FLOOR else min(1000, int(FLOOR / max(once, 1e-6)) + 1)
    best = once if repeats == 1 else float("inf")
    gc.disable()
    try:
        for _ in range(ROUNDS if repeats > 1 else 1):
            began = time.process_time()
            for _ in range(repeats):
                function(argument)
            best = min(best, (time.process_time() - began) / repeats)
    finally:
        gc.enable()
    return max(best, 1e-7)


def ladder(smallest: int, largest: int) -> list[int]:
    """Sizes from smallest to largest, STEP times apart.

    >>> ladder(4_000, 1_024_000)
    [4000, 16000, 64000, 256000, 1024000]
    """
    sizes = [smallest]
    while sizes[-1] * STEP <= largest:
        sizes.append(sizes[-1] * STEP)
    return sizes


def worst_step(function: Callable, make: Callable[[int], object], sizes: list[int]) -> str:
    """'' when every step of sizes stays within BOUND, else the first step that did not."""
    before = cpu_seconds(function, make(sizes[0]))
    for small, large in zip(sizes, sizes[1:], strict=False):
        after = cpu_seconds(function, make(large))
        if after / before > BOUND * large / (small * STEP):
            return (
                f"{small:,} -> {large:,}: {before * 1000:.2f} ms -> {after * 1000:.2f} ms "
                f"({after / before:.1f} times, linear is {large / small:.0f})"
            )
        before = after
    return ""


def repeat_to(unit: str, size: int) -> str:
    """unit repeated to size characters.

    >>> repeat_to("ab", 5)
    'ababa'
    """
    return (unit * (size // len(unit) + 1))[:size]
