"""The managers' maps' derived aggregates (filled by maps/stats.py)."""

from django.db import models

from frameworks.models import Competency, Domain

# ---------------------------------------------------------------------------
# Derived aggregates for the managers' competency maps (filled by competencies/stats.py).
# Pages read these only. Per school, and rolled up per département × school kind × sector so that
# the national and académie views read a few thousand rows. Rebuildable at any time.
# ---------------------------------------------------------------------------

MAX_STAT_LEVEL = 8  # the CRCN has 8 levels, the CRCN Édu 5
LEVEL_COLUMNS = [f"n{i}" for i in range(1, MAX_STAT_LEVEL + 1)]
# A school's ambassador coverage (SchoolStat.coverage), also the roll-ups' column names.
COVERAGE_STATUSES = ("covered", "circonscription", "pending", "uncovered")


class LevelCounts(models.Model):
    """Teachers' level sum and how many stand at each level (n1 … n8) in one competency."""

    level_sum = models.PositiveIntegerField(default=0)
    n1 = models.PositiveIntegerField(default=0)
    n2 = models.PositiveIntegerField(default=0)
    n3 = models.PositiveIntegerField(default=0)
    n4 = models.PositiveIntegerField(default=0)
    n5 = models.PositiveIntegerField(default=0)
    n6 = models.PositiveIntegerField(default=0)
    n7 = models.PositiveIntegerField(default=0)
    n8 = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class ActivityCounts(models.Model):
    """Completions and session attendances in one month, and how many teachers they come from."""

    month = models.DateField()
    completions = models.PositiveIntegerField(default=0)
    attendances = models.PositiveIntegerField(default=0)
    teachers = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class SchoolStat(models.Model):
    """One row per school: its teachers and its ambassador coverage."""

    school = models.OneToOneField("lms.School", on_delete=models.CASCADE, primary_key=True, related_name="+")
    teachers = models.PositiveIntegerField(default=0)
    coverage = models.CharField(max_length=16, default="uncovered")  # covered, circonscription, pending, uncovered
    confirmed = models.PositiveIntegerField(default=0)
    pending = models.PositiveIntegerField(default=0)
    # The roll-up group its rows are counted in: the school's département, kind and sector when it was
    # last refreshed. A one-school refresh takes its old rows out of that group's roll-ups and adds its
    # new rows to its group now (stats.py), even when the school has moved from one to the other.
    departement = models.ForeignKey(
        "lms.Departement", null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=10, default="")
    sector = models.CharField(max_length=10, default="")

    class Meta:
        db_table = "competencies_schoolstat"

    def __str__(self):
        return f"school {self.school_id}: {self.teachers} teachers, {self.coverage}"


class SchoolCompetencyStat(LevelCounts):
    school = models.ForeignKey("lms.School", on_delete=models.CASCADE, related_name="+")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "competencies_schoolcompetencystat"
        constraints = [models.UniqueConstraint(fields=["school", "competency"], name="schoolcompstat_unique")]

    def __str__(self):
        return f"school {self.school_id}, competency {self.competency_id}"


class SchoolDomainMonth(models.Model):
    """Sum of level changes (new − previous) of a school's teachers in a domain during a month."""

    school = models.ForeignKey("lms.School", on_delete=models.CASCADE, related_name="+")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    delta = models.IntegerField(default=0)

    class Meta:
        db_table = "competencies_schooldomainmonth"
        constraints = [models.UniqueConstraint(fields=["school", "domain", "month"], name="schooldomainmonth_unique")]

    def __str__(self):
        return f"school {self.school_id}, domain {self.domain_id}, {self.month}: {self.delta}"


class SchoolActivityMonth(ActivityCounts):
    school = models.ForeignKey("lms.School", on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "competencies_schoolactivitymonth"
        constraints = [models.UniqueConstraint(fields=["school", "month"], name="schoolactivitymonth_unique")]

    def __str__(self):
        return f"school {self.school_id}, {self.month}"


class RollupKey(models.Model):
    # NULL: all of France (the national view reads a few hundred rows rather than every département's).
    departement = models.ForeignKey("lms.Departement", null=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)
    sector = models.CharField(max_length=10)

    class Meta:
        abstract = True


class DepartementStat(RollupKey):
    schools = models.PositiveIntegerField(default=0)
    teachers = models.PositiveIntegerField(default=0)
    covered = models.PositiveIntegerField(default=0)
    circonscription = models.PositiveIntegerField(default=0)
    pending = models.PositiveIntegerField(default=0)
    uncovered = models.PositiveIntegerField(default=0)
    proposals_pending = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "competencies_departementstat"
        constraints = [models.UniqueConstraint(fields=["departement", "kind", "sector"], name="depstat_unique")]

    def __str__(self):
        return f"{self.departement_id} {self.kind} {self.sector}"


class DepartementCompetencyStat(RollupKey, LevelCounts):
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "competencies_departementcompetencystat"
        constraints = [
            models.UniqueConstraint(fields=["departement", "kind", "sector", "competency"], name="depcompstat_unique")
        ]

    def __str__(self):
        return f"{self.departement_id} {self.kind} {self.sector}, competency {self.competency_id}"


class DepartementDomainMonth(RollupKey):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    delta = models.IntegerField(default=0)

    class Meta:
        db_table = "competencies_departementdomainmonth"
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "kind", "sector", "domain", "month"], name="depdomainmonth_unique"
            )
        ]

    def __str__(self):
        return f"{self.departement_id} {self.kind} {self.sector}, domain {self.domain_id}, {self.month}"


class DepartementActivityMonth(RollupKey, ActivityCounts):
    class Meta:
        db_table = "competencies_departementactivitymonth"
        constraints = [
            models.UniqueConstraint(fields=["departement", "kind", "sector", "month"], name="depactivitymonth_unique")
        ]

    def __str__(self):
        return f"{self.departement_id} {self.kind} {self.sector}, {self.month}"


class StatsPending(models.Model):
    """A school whose maps' aggregates wait for a refresh: many stored batches, one refresh
    (`maps.stats_queue`)."""

    school = models.OneToOneField("lms.School", on_delete=models.CASCADE, primary_key=True, related_name="+")
    marked_at = models.DateTimeField()

    class Meta:
        db_table = "competencies_statspending"

    def __str__(self):
        return f"school {self.school_id} since {self.marked_at}"
