import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from participants.tests.factories import ConsultantFactory, OrganisationFactory, PersonFactory
from programs.models import (
    Agreement,
    Attendance,
    CheckIn,
    Enrollment,
    Group,
    Module,
    Program,
    Round,
    Session,
)


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    organisation = factory.SubFactory(OrganisationFactory)
    name = "Sveriges viktigaste chefsjobb"
    purpose = "En gemensam ledarkultur."
    motto = "Säkra, initiativrika och klara"
    starts_on = dt.date(2015, 1, 1)
    ends_on = dt.date(2017, 12, 31)


class ModuleFactory(DjangoModelFactory):
    class Meta:
        model = Module
        django_get_or_create = ["program", "order"]

    program = factory.SubFactory(ProgramFactory)
    order = factory.Sequence(lambda n: n % 4 + 1)
    name = factory.LazyAttribute(lambda m: f"Modul {m.order}")
    duration_days = Decimal("1.5")


class RoundFactory(DjangoModelFactory):
    class Meta:
        model = Round
        django_get_or_create = ["program", "number"]

    program = factory.SubFactory(ProgramFactory)
    number = 1
    starts_on = dt.date(2015, 2, 1)
    ends_on = dt.date(2015, 12, 31)


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = Group

    round = factory.SubFactory(RoundFactory)
    number = factory.Sequence(lambda n: n + 1)


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    group = factory.SubFactory(GroupFactory)
    program = factory.SelfAttribute("group.round.program")
    person = factory.SubFactory(
        PersonFactory, organisation=factory.SelfAttribute("..program.organisation")
    )
    status = Enrollment.Status.ACTIVE


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    group = factory.SubFactory(GroupFactory)
    module = factory.SubFactory(
        ModuleFactory, program=factory.SelfAttribute("..group.round.program"), order=1
    )
    starts_at = factory.LazyAttribute(
        lambda s: (
            timezone.make_aware(dt.datetime(2015, 3, 1, 9, 0))
            + dt.timedelta(days=40 * (s.module.order - 1))
        )
    )
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(hours=8))
    venue = "Örebro slott"
    process_leader = factory.SubFactory(ConsultantFactory)


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    enrollment = factory.SubFactory(
        EnrollmentFactory, group=factory.SelfAttribute("..session.group")
    )
    status = Attendance.Status.PRESENT


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = Agreement

    enrollment = factory.SubFactory(EnrollmentFactory)
    stage = Agreement.Stage.BEFORE_1
    texts = factory.LazyFunction(lambda: {"develop": "Tydligare mål för mitt team."})
    status = Agreement.Status.DRAFT


class CheckInFactory(DjangoModelFactory):
    class Meta:
        model = CheckIn

    program = factory.SubFactory(ProgramFactory)
    module = factory.SubFactory(ModuleFactory, program=factory.SelfAttribute("..program"))
    held_on = dt.date(2015, 4, 1)
    consultant = factory.SubFactory(ConsultantFactory)
    observations = "Gruppen kom igång bra."
    corrections = "Mer tid för reflektion."
