"""lms.progress: what a long command prints while it runs."""

import io

from lms.progress import Progress


def test_progress_prints_count_percentage_rate_and_time_left_then_the_total_time():
    stream = io.StringIO()
    with Progress(total=4, label="écoles", stream=stream, interval=0) as progress:
        progress.advance(3)
        assert progress.line().startswith("écoles : 3/4 (75.0 %), ")
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("écoles : 3/4 (75.0 %), ") and "/s, reste environ 0:00:0" in lines[0]
    assert lines[-1].startswith("écoles : 3/4 (75.0 %)") and "reste" in lines[-1]  # stopped short: no "terminé"
    stream = io.StringIO()
    with Progress(total=None, stream=stream, interval=3600) as progress:
        progress.update(10)
    # Nothing printed within the interval; the last line has the count and the elapsed time.
    [line] = stream.getvalue().splitlines()
    assert line.startswith("10, ") and "terminé en 0:00:00" in line


def test_progress_prints_nothing_when_disabled():
    stream = io.StringIO()
    with Progress(total=2, stream=stream, interval=0, enabled=False) as progress:
        progress.advance(2)
    assert stream.getvalue() == ""
