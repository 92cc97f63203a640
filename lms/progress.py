"""Progress of a long command on stderr: "n/N (p %), rate/s, time left", at most once a second.

    with Progress(total=len(rows), label=_("écoles")) as progress:
        for row in rows:
            ...
            progress.advance()          # or progress.update(done) with an absolute count

``total=None`` (not known in advance) prints the count and the rate without an estimate. On a
terminal the line is rewritten in place every second; in a log (stderr not a terminal) a line is
written every ten seconds. ``enabled=False`` (e.g. ``verbosity == 0``) prints nothing. The last
line, with the elapsed time, is written when the block ends.
"""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from typing import TextIO

from django.utils.translation import gettext as _


def _duration(seconds: float) -> str:
    return str(timedelta(seconds=round(max(0.0, seconds))))


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


class Progress:
    def __init__(
        self,
        *,
        total: int | None,
        label: str = "",
        stream: TextIO | None = None,
        interval: float | None = None,
        enabled: bool = True,
    ):
        self.total = total
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval if interval is not None else (1.0 if self.tty else 10.0)
        self.enabled = enabled
        self.done = 0
        self.started = time.monotonic()
        self._last = self.started

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def advance(self, count: int = 1) -> None:
        self.update(self.done + count)

    def update(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if self.enabled and now - self._last >= self.interval:
            self._last = now
            self._write(self.line(now), final=False)

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self.started, 1e-9)
        rate = self.done / elapsed
        text = f"{self.label} : " if self.label else ""
        if self.total:
            percent = 100 * self.done / self.total
            text += f"{_number(self.done)}/{_number(self.total)} ({percent:.1f} %), "
        else:
            text += f"{_number(self.done)}, "
        text += _("%(rate)s/s") % {"rate": _number(rate)}
        if self.total and rate > 0 and self.done < self.total:
            text += ", " + _("reste environ %(eta)s") % {"eta": _duration((self.total - self.done) / rate)}
        return text

    def close(self) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        text = self.line(now)
        if not self.total or self.done >= self.total:
            text += ", " + _("terminé en %(elapsed)s") % {"elapsed": _duration(now - self.started)}
        self._write(text, final=True)
        self.enabled = False

    def _write(self, text: str, *, final: bool) -> None:
        if self.tty:
            self.stream.write("\r\x1b[K" + text + ("\n" if final else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
