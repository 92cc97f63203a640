"""How a Relais worker process sets Python's garbage collector (`lms.wsgi`), in one place so that
the benchmarks, which time pages in their own process, measure them as a worker serves them."""

import gc


def worker_gc_tune() -> None:
    """What is loaded by now (Django, Wagtail, the apps) lives as long as the worker: keep it out of
    the collector's full passes, which otherwise walk all of it every so often (about 10 ms each,
    and frequent under allocation-heavy requests such as LRS batches or a national export). Young
    collections less often too: nearly every object a request makes is freed by reference counting.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 10)
