"""The evaluation's own tables: the course outlines (copied from `courses`) and the derived indicators.

Every table here is rebuilt by `refresh.evaluation_refresh` from the outlines, the stored statements,
the evidence and the memberships; pages read these tables only. Rows with `departement` NULL are for
all teachers; the others for the teachers of one département's schools (a teacher of schools in two
départements counts in each, as on the maps). Group sizes are stored, and hidden at read time below
RELAIS_MIN_GROUP_SIZE.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Course(models.Model):
    """A course as the evaluation knows it (from `outline.CourseOutline`)."""

    page_id = models.PositiveIntegerField(unique=True)
    iri = models.CharField(max_length=500, unique=True)
    title = models.CharField(max_length=255)
    co_designers = models.JSONField(default=list)
    departement = models.ForeignKey("lms.Departement", null=True, on_delete=models.SET_NULL, related_name="+")
    competencies = models.ManyToManyField("frameworks.Competency", related_name="+")

    class Meta:
        verbose_name = _("parcours évalué")
        verbose_name_plural = _("parcours évalués")
        ordering = ["title"]

    def __str__(self):
        return self.title


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    page_id = models.PositiveIntegerField(unique=True)
    iri = models.CharField(max_length=500, unique=True)
    title = models.CharField(max_length=255)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["course", "position"]

    def __str__(self):
        return self.title


class Activity(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="activities")
    iri = models.CharField(max_length=600, unique=True)
    title = models.CharField(max_length=255)
    kind = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["module", "position"]

    def __str__(self):
        return self.title


class Question(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="questions")
    iri = models.CharField(max_length=700, unique=True)
    prompt = models.TextField()
    choices = models.JSONField(default=list)
    correct = models.JSONField(default=list)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["activity", "position"]

    def __str__(self):
        return self.prompt[:60]


# --- derived indicators ---------------------------------------------------------------------------


class Funnel(models.Model):
    """Enrolled → started → completed, for a course (module NULL) or one of its modules."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey(Module, null=True, on_delete=models.CASCADE, related_name="+")
    departement = models.ForeignKey("lms.Departement", null=True, on_delete=models.CASCADE, related_name="+")
    enrolled = models.PositiveIntegerField(default=0)
    started = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    # Time spent (from result.duration): learners with a duration, their total and median, in seconds.
    timed = models.PositiveIntegerField(default=0)
    seconds_total = models.BigIntegerField(default=0)
    seconds_median = models.PositiveIntegerField(null=True)
    # Its sessions' registrations and attendances, summed over the sessions (as ActivityStat's): the
    # territories' page reads them here rather than summing every session's rows.
    registered = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["course", "departement"], name="eval_funnel_course_dep")]

    def __str__(self):
        return f"funnel {self.course_id}/{self.module_id} dep {self.departement_id}"


class ActivityStat(models.Model):
    """How many learners reached (any statement) and finished one activity; sessions: registered, attended."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    departement = models.ForeignKey("lms.Departement", null=True, on_delete=models.CASCADE, related_name="+")
    reached = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    registered = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    timed = models.PositiveIntegerField(default=0)
    seconds_median = models.PositiveIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["activity", "departement"], name="eval_activity_dep")]

    def __str__(self):
        return f"activity {self.activity_id} dep {self.departement_id}"


class ItemStat(models.Model):
    """Moodle-style item analysis of one quiz question, on each learner's first attempt, for all teachers
    (département NULL) and for the teachers of each département's schools."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="stats")
    departement = models.ForeignKey("lms.Departement", null=True, on_delete=models.CASCADE, related_name="+")
    attempts = models.PositiveIntegerField(default=0)
    right = models.PositiveIntegerField(default=0)  # first answers right (what a scope's facility sums)
    facility = models.FloatField(null=True)  # percent right
    discrimination = models.FloatField(null=True)  # percent: correlation with the rest of the test
    chosen = models.JSONField(default=list)  # per choice, how many chose it

    class Meta:
        indexes = [models.Index(fields=["question", "departement"], name="eval_item_question_dep")]

    def __str__(self):
        return f"question {self.question_id}"


class ResponseStat(models.Model):
    """How many answered each value of one questionnaire question (`responded` statements)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    # NULL: all teachers; else the respondents who teach in this département's schools.
    departement = models.ForeignKey("lms.Departement", null=True, on_delete=models.CASCADE, related_name="+")
    question_iri = models.CharField(max_length=700)
    question = models.TextField()
    questionnaire = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=20)  # likert, choice, text
    scale = models.JSONField(default=list)  # [(value, label)] in order
    counts = models.JSONField(default=dict)  # value → count
    respondents = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return self.question[:60]


class EffectStat(models.Model):
    """Mean level in one targeted competency of a group at a moment after completion."""

    class Group(models.TextChoices):
        COMPLETERS = "completers", _("ont terminé le parcours")
        COMPARISON = "comparison", _("collègues des mêmes établissements, sans le parcours")

    class Moment(models.TextChoices):
        AT_COMPLETION = "m0", _("à la fin du parcours")
        AFTER_3_MONTHS = "m3", _("3 mois après")
        AFTER_6_MONTHS = "m6", _("6 mois après")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    competency = models.ForeignKey("frameworks.Competency", on_delete=models.CASCADE, related_name="+")
    departement = models.ForeignKey("lms.Departement", null=True, on_delete=models.CASCADE, related_name="+")
    group = models.CharField(max_length=12, choices=Group.choices)
    moment = models.CharField(max_length=2, choices=Moment.choices)
    n = models.PositiveIntegerField(default=0)
    level_sum = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["course", "departement"], name="eval_effect_course_dep")]

    def __str__(self):
        return f"effect {self.course_id} {self.competency_id} {self.group} {self.moment}"


class Refresh(models.Model):
    """When the derived tables were last rebuilt (one row)."""

    finished_at = models.DateTimeField()
    seconds = models.FloatField(default=0)

    def __str__(self):
        return str(self.finished_at)


class Participation(models.Model):
    """One teacher in one module, for the evaluators' export: dates, time, levels before and after,
    questionnaire answers. Holds a user id: never shown on a page, exported re-keyed (`export.py`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    started_on = models.DateField(null=True)
    completed_on = models.DateField(null=True)
    seconds = models.PositiveIntegerField(null=True)
    # competency key ("crcn-edu/3.1") → level the day before the start, and 3 months after completion.
    levels_before = models.JSONField(default=dict)
    levels_after = models.JSONField(default=dict)
    answers = models.JSONField(default=dict)  # question IRI → the answer's values joined by "|"
    # Where the teacher teaches, for the export: [school kind, département code, TNE, département id]
    # per school, sorted (what the export writes, filtered by the reader's départements).
    places = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "module"], name="eval_participation_unique")]

    def __str__(self):
        return f"{self.user_id} in {self.module_id}"
