"""A worker (`lms.wsgi`) and the page benchmark set the garbage collector the same way, from
`lms.gc_tuning`: the benchmark's figures are a worker's."""

import os
import subprocess
import sys
from pathlib import Path

import bench.pages
from lms.gc_tuning import worker_gc_tune

ROOT = Path(__file__).resolve().parents[2]


def test_a_worker_freezes_what_it_loaded_and_collects_young_objects_less_often():
    code = "import gc, lms.wsgi; print(gc.get_threshold(), gc.get_freeze_count() > 1000)"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "(10000, 20, 10) True"


def test_the_page_benchmark_times_pages_under_the_workers_setting():
    assert bench.pages.worker_gc_tune is worker_gc_tune
