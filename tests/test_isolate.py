"""The worker pool's time limits: a call past its deadline fails alone; a call that asks for more time (OCR
of a scan) gets it, up to the ceiling."""

import time

from nianbao.isolate import Failure, more_time, run_isolated


def sleep_after_asking(args):
    ask, seconds = args
    if ask:
        more_time(ask)
    time.sleep(seconds)
    return seconds


def test_a_call_that_asks_for_time_gets_it_up_to_the_ceiling():
    results = list(run_isolated(sleep_after_asking, [(0, 0.0), (0, 1.5), (5, 1.5), (60, 3.5)], jobs=2,
                                timeout=1.0, ceiling=3.0))
    assert results[0] == 0.0 and results[2] == 1.5
    assert isinstance(results[1], Failure) and "超过 1 秒" in results[1].reason  # it did not ask
    assert isinstance(results[3], Failure) and "超过 3 秒" in results[3].reason  # asked past the ceiling


def test_asking_outside_a_worker_does_nothing():
    more_time(10)  # no pool: no error, no effect
