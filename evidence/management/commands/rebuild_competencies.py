import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evidence.services import REBUILD_PHASES, competencies_rebuild
from lms.progress import Progress

PHASE_NAMES = {
    "evidence": gettext_lazy("preuves dérivées des déclarations"),
    "levels": gettext_lazy("niveaux"),
    "stats": gettext_lazy("agrégats des cartes"),
    "vacuum": gettext_lazy("VACUUM ANALYZE des tables réécrites"),
}


class Command(BaseCommand):
    help = "Derive all competency evidence and levels again from the stored statements."

    def handle(self, *args, **options):
        verbose = options["verbosity"] > 0
        current: dict = {}
        total = len(REBUILD_PHASES)
        # The command's own stderr (a test or a caller may pass one), unwrapped: Progress rewrites a
        # terminal's line in place.
        stream = getattr(self.stderr, "_out", self.stderr)
        with Progress(total=total, label=_("reconstruction (étapes)"), stream=stream, enabled=verbose) as progress:

            def finish() -> None:
                if current and verbose:
                    seconds = time.monotonic() - current["at"]
                    self.stderr.write(
                        _("%(phase)s : terminé en %(seconds).1f s")
                        % {"phase": PHASE_NAMES[current["name"]], "seconds": seconds}
                    )

            def phase(name: str) -> None:
                """Each phase as it starts: the previous one's time, then the steps done and left."""
                finish()
                if current:
                    progress.advance()
                current.update(name=name, at=time.monotonic())
                if verbose:
                    step = {"index": REBUILD_PHASES.index(name) + 1, "total": total, "phase": PHASE_NAMES[name]}
                    self.stderr.write(_("étape %(index)d/%(total)d : %(phase)s…") % step + " — " + progress.line())

            changed = competencies_rebuild(phase=phase)
            finish()
            progress.update(total)
        self.stdout.write(f"{changed} competency levels set.")
