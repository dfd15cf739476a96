"""seed_demo: the demo program, its figures and the demo logins."""

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from participants.models import (
    Consultant,
    Department,
    Organisation,
    Person,
    PlatformOperator,
    Role,
    User,
)
from programs.models import Attendance, Enrollment, Group, Program, Session
from programs.places import holding_place_q
from reports.models import ComparisonOptIn

from .plans import TOP_LEVELS
from .specs import (
    DEMO_PASSWORD,
    DEMO_ROLE_USERS,
    OPERATOR_LOGIN,
    PERSON_LOGINS,
    SVC_PROGRAM_NAME,
    demo_consultants,
    orebro_spec,
    region_spec,
)
from .writer import Writer

__all__ = ["DEMO_PASSWORD", "demo_figures", "demo_logins", "seed_demo"]


def demo_figures(*, organisation: Organisation) -> dict:
    """ "SVC i siffror" for one organisation, counted from the stored rows."""
    program = Program.objects.filter(organisation=organisation).order_by("starts_on").first()
    groups = list(
        Group.objects.filter(round__program=program)
        .annotate(
            size=Count(
                "enrollments",
                filter=holding_place_q("enrollments__"),
            )
        )
        .order_by("round__number", "number")
    )
    departments: dict[int, set[int]] = {g.pk: set() for g in groups}
    members: dict[int, set[int]] = {g.pk: set() for g in groups}
    for group_id, person_id, department_id, parent_id in (
        Enrollment.objects.filter(program=program)
        .holding_place()
        .values_list(
            "group_id", "person_id", "person__department_id", "person__department__parent_id"
        )
    ):
        departments[group_id].add(parent_id or department_id)
        members[group_id].add(person_id)
    top = set(
        Person.objects.filter(
            organisation=organisation, level__in=TOP_LEVELS, active=True
        ).values_list("pk", flat=True)
    )
    attendance = dict(
        Attendance.objects.filter(session__group__round__program=program)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    modules = program.modules.aggregate(n=Count("pk"), days=Sum("duration_days"))
    return {
        "rounds": program.rounds.count(),
        "groups": len(groups),
        "group_size_min": min(g.size for g in groups),
        "group_size_max": max(g.size for g in groups),
        "managers": Person.objects.filter(organisation=organisation, active=True).count(),
        "departments": Department.objects.filter(
            organisation=organisation, parent__isnull=True
        ).count(),
        "departments_per_group_min": min(len(d) for d in departments.values()),
        "group_1_is_top_management": members[groups[0].pk] == top,
        "modules": modules["n"],
        "module_days": modules["days"],
        "consultants": Consultant.objects.filter(organisations=organisation).count(),
        "sessions": Session.objects.filter(group__round__program=program).count(),
        "absent": attendance.get(Attendance.Status.ABSENT, 0),
        "excused": attendance.get(Attendance.Status.EXCUSED, 0),
        "check_ins": program.check_ins.count(),
    }


def _operator(writer: Writer) -> User:
    """The consultancy's operator login: the console (/konsol/), member of no organisation."""
    user = writer.user(email=OPERATOR_LOGIN.email, full_name=OPERATOR_LOGIN.full_name)
    _, created = PlatformOperator.objects.get_or_create(user=user)
    writer.written += created
    return user


@transaction.atomic
def seed_demo() -> dict:
    """Create or update the demo organisations. Returns Örebro's figures and rows written."""
    consultants = demo_consultants()
    writer = Writer()
    today = timezone.localdate()
    operator = _operator(writer)
    orebro = writer.organisation(orebro_spec(consultants))
    region = writer.organisation(region_spec(consultants))
    from demo.evaluations import seed_demo_evaluations

    from .agreements import seed_demo_agreements

    program = Program.objects.get(organisation=orebro, name=SVC_PROGRAM_NAME)
    agreements = seed_demo_agreements(program=program)
    writer.written += agreements["agreements"] + agreements["history"]
    evaluations = seed_demo_evaluations(program=program)
    from demo.reports import seed_demo_reports

    # After the evaluations: each report freezes the figures as of its meeting.
    writer.written += seed_demo_reports(program=program)
    from demo.live import seed_live_program

    from .lindesberg import release_moving_sessions, seed_lindesberg

    # Lindesberg's sessions that move today let go of processledare@ before Örebro's move.
    writer.written += release_moving_sessions(today=today)
    # A second program dated from today, so that every demo login has something to do.
    writer.written += seed_live_program(organisation=orebro)
    # A third organisation, its program from the SVC template; processledare@ works there too.
    lindesberg = seed_lindesberg(
        writer=writer, consultants=consultants, operator=operator, today=today
    )
    from .comparison import seed_comparison

    # Enough organisations taking part for Örebro to see the comparison between them.
    synthetic = seed_comparison(writer=writer, operator=operator, orebro=orebro)
    from demo.statements import seed_demo_statements

    # The organisations' own parts of the privacy notice and the accessibility statement.
    writer.written += seed_demo_statements(organisation=orebro, domain="orebro.example")
    return {
        **demo_figures(organisation=orebro),
        # Every organisation the demo writes: Örebro, Region Exempel, Lindesberg and the
        # synthetic ones of the comparison; and how many of them take part in it.
        "organisations": Organisation.objects.filter(
            pk__in=[orebro.pk, region.pk, lindesberg.pk, *(o.pk for o in synthetic)]
        ).count(),
        "organisations_in_comparison": ComparisonOptIn.objects.count(),
        **evaluations,
        "status_reports": program.status_reports.count(),
        "rows_written": writer.written,
    }


def demo_logins() -> list[tuple[str, str]]:
    """(e-mail, roles) of every demo login, for the command to print."""
    logins = [(login.email, str(Role(login.role).label)) for login in DEMO_ROLE_USERS]
    logins += [
        (login.email, ", ".join(str(Role(role).label) for role in login.roles))
        for login in PERSON_LOGINS
    ]
    logins.append((OPERATOR_LOGIN.email, str(PlatformOperator._meta.verbose_name).capitalize()))
    return logins
