"""Module evaluations and effect entries, anonymous by construction.

Who answered and what was answered are stored apart and cannot be joined:

- ``Completion`` (enrollment × session, unique) proves that someone answered.
  It holds no content and no time; it drives reminders and response rates.
- ``RatingCounter`` holds, per (question, session, value), how many chose the
  value. There is no row per answer, so even the database cannot show one
  person's ratings.
- ``TextAnswer`` and ``EffectEntry`` hold one text each, with a random UUID as
  key, the day only, and a review state.
- ``SealedAnswers`` holds one participant's answers, encrypted, from the
  submit until the session's window closes; the fold then writes the counters
  and rows above for the whole session in one transaction and deletes it. So
  the respondent's transaction (which also writes the Completion) holds
  nothing readable about the content, not even in the WAL.

No answer model has a relation to Person, Enrollment or User, and none stores
an IP address or user agent (``evaluations/tests/test_anonymity.py`` walks the
schema). Answer rows are ordered by their UUID so nothing lists them in the
order they arrived.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from programs.models import Enrollment, Module, Program, Session

SCALE_MIN = 1
SCALE_MAX = 6
SCALE_VALUES = tuple(range(SCALE_MIN, SCALE_MAX + 1))


class EvaluationForm(models.Model):
    """The evaluation of one module. Its questions live in numbered versions."""

    module = models.OneToOneField(
        Module, on_delete=models.CASCADE, related_name="evaluation_form", verbose_name=_("module")
    )
    collects_effects = models.BooleanField(
        _("collects effect entries"),
        default=False,
        help_text=_("Participants also write effect entries (Spåra effekter av SVC)."),
    )

    class Meta:
        verbose_name = _("evaluation form")
        verbose_name_plural = _("evaluation forms")

    def __str__(self):
        return str(self.module)


class FormVersion(models.Model):
    """One set of questions. Answered versions are never edited: a change makes a new one."""

    form = models.ForeignKey(EvaluationForm, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"), validators=[MinValueValidator(1)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        ordering = ["form", "number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="formversion_unique_number"),
        ]

    def __str__(self):
        return f"{self.form} · v{self.number}"


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Scale 1–6")
        TEXT = "text", _("Open text")

    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.SCALE)
    text = models.CharField(_("question"), max_length=500)
    low_label = models.CharField(_("label of 1"), max_length=100, blank=True)
    high_label = models.CharField(_("label of 6"), max_length=100, blank=True)
    allow_comment = models.BooleanField(_("optional comment"), default=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="question_unique_order"),
        ]

    def __str__(self):
        return self.text


class EffectTheme(models.Model):
    """One of a program's themes for effect entries (three by default, editable)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="effect_themes")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("theme"), max_length=200)

    class Meta:
        verbose_name = _("effect theme")
        verbose_name_plural = _("effect themes")
        ordering = ["program", "order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "order"], name="effecttheme_unique_order"),
        ]

    def __str__(self):
        return self.name


class Completion(models.Model):
    """That an enrollment answered a session's evaluation: nothing about what was answered.

    Its uniqueness is what stops a second submission. It has no timestamp and a
    random key, so it cannot be matched to answer rows by time or order.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="evaluation_completions"
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="evaluation_completions"
    )

    class Meta:
        verbose_name = _("completed evaluation")
        verbose_name_plural = _("completed evaluations")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "session"], name="completion_once_per_session"
            ),
        ]

    def __str__(self):
        return str(self.session)


class ReviewState(models.TextChoices):
    UNREVIEWED = "unreviewed", _("Not reviewed")
    PUBLIC = "public", _("Published")
    HIDDEN = "hidden", _("Hidden")


class RatingCounter(models.Model):
    """How many chose ``value`` for ``question`` after ``session``. The fold adds with F()."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="counters")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="rating_counters")
    value = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)]
    )
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rating counter")
        verbose_name_plural = _("rating counters")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "question", "value"], name="ratingcounter_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=SCALE_MIN, value__lte=SCALE_MAX),
                name="ratingcounter_value_on_scale",
            ),
        ]

    def __str__(self):
        return f"{self.question} = {self.value}: {self.count}"


class TextAnswer(models.Model):
    """One free text: an open answer or the comment on a scale question. No person, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="text_answers")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="text_answers")
    text = models.TextField(_("text"))
    submitted_on = models.DateField(_("received"))
    review = models.CharField(
        _("review"), max_length=10, choices=ReviewState.choices, default=ReviewState.UNREVIEWED
    )

    class Meta:
        verbose_name = _("text answer")
        verbose_name_plural = _("text answers")
        # By the random key: never in the order the answers arrived.
        ordering = ["id"]
        indexes = [models.Index(fields=["session", "review"], name="textanswer_session_review")]

    def __str__(self):
        return self.text[:60]


class EffectEntry(models.Model):
    """One effect the program had, as a participant wrote it. Anonymous like a text answer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="effect_entries")
    theme = models.ForeignKey(
        EffectTheme, on_delete=models.PROTECT, related_name="entries", verbose_name=_("theme")
    )
    text = models.TextField(_("effect"))
    submitted_on = models.DateField(_("received"))
    review = models.CharField(
        _("review"), max_length=10, choices=ReviewState.choices, default=ReviewState.UNREVIEWED
    )

    class Meta:
        verbose_name = _("effect entry")
        verbose_name_plural = _("effect entries")
        ordering = ["id"]
        indexes = [models.Index(fields=["session", "review"], name="effectentry_session_review")]

    def __str__(self):
        return self.text[:60]


class SealedAnswers(models.Model):
    """One participant's answers, sealed, until they are folded in with everybody else's.

    Written in the respondent's transaction beside the Completion, it is the only
    answer row that transaction writes, and it cannot be read without the seal key
    (``evaluations.sealing``). It points to the session only and has no time.
    ``evaluations.services.folding`` opens a closed session's envelopes, writes
    their counters and rows in one transaction in random order, and deletes them.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="sealed_answers")
    sealed = models.BinaryField(_("sealed answers"))

    class Meta:
        verbose_name = _("sealed answers")
        verbose_name_plural = _("sealed answers")
        ordering = ["id"]

    def __str__(self):
        return str(self.session)


class SealCanary(models.Model):
    """A known text sealed under the seal key, kept beside the envelopes: a process that
    starts with keys none of which opens it would leave every envelope sealed by the real
    key unreadable, so it refuses to start (``evaluations.services.canary``). One row."""

    sealed = models.BinaryField()

    class Meta:
        verbose_name = "seal canary"

    def __str__(self):
        return "seal canary"


class ReminderLog(models.Model):
    """That the reminder for a session went out, and to how many: never to whom."""

    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, related_name="evaluation_reminder"
    )
    sent_on = models.DateField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("evaluation reminder")
        verbose_name_plural = _("evaluation reminders")

    def __str__(self):
        return f"{self.session} · {self.sent_on}"
