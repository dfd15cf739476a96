"""Demo data: Örebro kommun's SVC 2015–2017, and a small second organisation.

Idempotent: every row has a natural key (slug, employee number, round and group
number, module order, e-mail, date). A run compares the planned rows with the
stored ones and writes only what differs, so a second run writes nothing.
Names come from Faker ``sv_SE`` with a fixed seed, so every run plans the same
people.

The planning helpers (``plan_people``, ``plan_manager_since``, ``plan_groups``,
``session_times``) define the program's shape and are shared with
``core.scale``, which builds the same shape at national scale.
"""

import datetime as dt
import itertools
import math
import random
import re
import unicodedata
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Q, Sum
from faker import Faker

from participants.models import (
    Consultant,
    Department,
    Level,
    Membership,
    Organisation,
    Person,
    Role,
    User,
)
from participants.services import grant_hr_admin
from programs.models import Attendance, CheckIn, Enrollment, Group, Module, Program, Round, Session
from programs.services import session_save

DEMO_PASSWORD = "demo-password-2015"
# The HR coordinator is also the program's project leader in the check-ins.
PROJECT_LEADER_EMAIL = "hr@orebro.example"
BATCH_SIZE = 500


@dataclass(frozen=True)
class DemoLogin:
    email: str
    full_name: str
    role: str
    organisation: str = "orebro"


DEMO_ROLE_USERS = [
    DemoLogin("hr@orebro.example", "Helena Rydberg", Role.HR),
    DemoLogin("styrgrupp@orebro.example", "Stefan Gran", Role.STEERING),
    DemoLogin("processledare@konsult.example", "Pia Lindqvist", Role.PROCESS_LEADER),
    DemoLogin("hr@region-exempel.example", "Karin Holm", Role.HR, "region-exempel"),
]


@dataclass(frozen=True)
class PersonLogin:
    """A login for one planned manager, picked by department, level and position."""

    email: str
    department: str
    level: str
    index: int
    roles: tuple[str, ...]


# deltagare@ is a head of division (with first-line managers under them) who
# reports to chef@, the head of the same department.
PERSON_LOGINS = (
    PersonLogin(
        "chef@orebro.example", "Vård- och omsorgsförvaltningen", Level.DEPARTMENT_HEAD, 0,
        (Role.LINE_MANAGER,),
    ),
    PersonLogin(
        "deltagare@orebro.example", "Vård- och omsorgsförvaltningen", Level.DIVISION_HEAD, 0,
        (Role.PARTICIPANT, Role.LINE_MANAGER),
    ),
)  # fmt: skip


# --- The program's shape -------------------------------------------------------------


@dataclass(frozen=True)
class ModuleSpec:
    name: str
    days: Decimal
    purpose: str


MODULES = (
    ModuleSpec(
        "Del av en helhet",
        Decimal("1.5"),
        "Öka förståelsen för de möjligheter och begränsningar som chefsrollen innebär i en "
        "politiskt styrd organisation. Inleds med en gemensam introduktion med kommunledningen.",
    ),
    ModuleSpec(
        "Klar ledare",
        Decimal("2"),
        "Beskriva upplevelser, intentioner och beslut klart och tydligt, bygga en lärande kultur "
        "och leda prestation genom engagemang och goda samarbetsrelationer.",
    ),
    ModuleSpec(
        "Säker chef",
        Decimal("1"),
        "Fördjupa förståelsen för rollen som arbetsgivarföreträdare och för de ramar som "
        "ekonomi- och personalansvaret ger det egna chefsuppdraget.",
    ),
    ModuleSpec(
        "Initiativrik utvecklare",
        Decimal("1.5"),
        "Initiera och driva utveckling i komplexa sammanhang, med förhållningssätt och metoder "
        "som är öppna för trender och tendenser i omvärlden.",
    ),
)

TOP_LEVELS = (Level.MUNICIPAL_MANAGEMENT, Level.DEPARTMENT_HEAD)
LEVEL_RANK = {level: rank for rank, level in enumerate(Level.values)}
MODULE_INTERVAL_DAYS = 28


@dataclass(frozen=True)
class DepartmentSpec:
    """A förvaltning and how many managers of each level work in it."""

    name: str
    first_line: int
    division_heads: int = 0
    heads: int = 1  # the förvaltningschef, then deputies at the same level
    top: int = 0  # kommunledning; the first one planned is the kommundirektör
    units: tuple[str, ...] = ()  # verksamheter below it; division heads are spread over them


@dataclass(slots=True, eq=False)
class PersonPlan:
    employee_number: str
    first_name: str
    last_name: str
    level: str
    department: str
    unit: str | None
    line_manager: str | None  # employee number
    depth: int
    manager_since: dt.date | None = None


def plan_people(
    *, departments: Sequence[DepartmentSpec], prefix: str, names: Callable[[], tuple[str, str]]
) -> list[PersonPlan]:
    """Every manager of an organisation, each planned after their own line manager.

    The tree: the kommundirektör at the root; the rest of kommunledningen and the
    heads of department under them; deputies under their head; heads of division
    under the heads (in the director's own office, under kommunledningen);
    first-line managers under the heads of division.
    """
    people: list[PersonPlan] = []

    def add(level, dept, unit, manager: PersonPlan | None) -> PersonPlan:
        first, last = names()
        person = PersonPlan(
            employee_number=f"{prefix}{len(people) + 1:05d}",
            first_name=first,
            last_name=last,
            level=level,
            department=dept.name,
            unit=unit,
            line_manager=manager.employee_number if manager else None,
            depth=manager.depth + 1 if manager else 0,
        )
        people.append(person)
        return person

    top: list[PersonPlan] = []
    for dept in departments:
        for _ in range(dept.top):
            top.append(add(Level.MUNICIPAL_MANAGEMENT, dept, None, top[0] if top else None))
    director = top[0]
    for dept in departments:
        heads: list[PersonPlan] = []
        for _ in range(dept.heads):
            heads.append(add(Level.DEPARTMENT_HEAD, dept, None, heads[0] if heads else director))
        bosses = heads or top[1:] or top
        units = dept.units or (None,)
        divisions = [
            add(Level.DIVISION_HEAD, dept, units[i % len(units)], bosses[i % len(bosses)])
            for i in range(dept.division_heads)
        ]
        leads = divisions or bosses
        for i in range(dept.first_line):
            lead = leads[i % len(leads)]
            add(
                Level.FIRST_LINE,
                dept,
                lead.unit if lead.level == Level.DIVISION_HEAD else None,
                lead,
            )
    return people


def _random_date(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def plan_manager_since(
    people: Sequence[PersonPlan],
    *,
    rng: random.Random,
    round_starts: Sequence[dt.date],
    late_per_round: dict[int, int],
) -> dict[int, list[PersonPlan]]:
    """Give everyone a ``manager_since``; returns the managers appointed during the program.

    Managers appointed between two rounds join the next round: they are placed
    in its groups (see ``plan_groups``). Everyone else became a manager before
    the program started.
    """
    candidates = [p for p in people if p.level in (Level.DIVISION_HEAD, Level.FIRST_LINE)]
    chosen = iter(rng.sample(candidates, sum(late_per_round.values())))
    late: dict[int, list[PersonPlan]] = {}
    for number, count in sorted(late_per_round.items()):
        first = round_starts[number - 2] + dt.timedelta(days=30)
        last = round_starts[number - 1] - dt.timedelta(days=21)
        for person in itertools.islice(chosen, count):
            person.manager_since = _random_date(rng, first, last)
            late.setdefault(number, []).append(person)
    for person in people:
        if person.manager_since is None:
            person.manager_since = _random_date(rng, dt.date(1990, 1, 1), dt.date(2014, 12, 31))
    return late


def plan_groups(
    *,
    people: Sequence[PersonPlan],
    groups_per_round: Sequence[int],
    late: dict[int, list[PersonPlan]],
    top_group: bool,
) -> list[list[PersonPlan]]:
    """The members of each group, round by round, as even in size as possible.

    With ``top_group`` the first group is kommunledningen and the heads of
    department. Managers appointed during the program go to the round after
    their appointment. The rest are sorted by department and dealt out like
    cards, so that every group mixes the departments.
    """
    round_of = [number for number, count in enumerate(groups_per_round, 1) for _ in range(count)]
    members: list[list[PersonPlan]] = [[] for _ in round_of]
    placed = {id(p) for persons in late.values() for p in persons}
    if top_group:
        members[0] = [p for p in people if p.level in TOP_LEVELS]
        placed |= {id(p) for p in members[0]}
    open_groups = list(range(1 if top_group else 0, len(round_of)))
    rest = [p for p in people if id(p) not in placed]
    base, extra = divmod(len(rest) + sum(len(v) for v in late.values()), len(open_groups))
    capacity = {g: base + (i < extra) for i, g in enumerate(open_groups)}
    for number, persons in late.items():
        in_round = [g for g in open_groups if round_of[g] == number]
        for i, person in enumerate(persons):
            members[in_round[i % len(in_round)]].append(person)
    department_order = {
        name: i for i, name in enumerate(dict.fromkeys(p.department for p in people))
    }
    rest.sort(
        key=lambda p: (
            department_order[p.department],
            p.unit or "",
            LEVEL_RANK[p.level],
            p.employee_number,
        )
    )
    dealer = itertools.cycle(open_groups)
    for person in rest:
        group = next(dealer)
        while len(members[group]) >= capacity[group]:
            group = next(dealer)
        members[group].append(person)
    return members


def session_times(
    *, round_starts_on: dt.date, index: int, order: int, days: Decimal
) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of a group's session of a module.

    Groups of a round start on Monday, Tuesday and Wednesday of its first four
    weeks (``index`` is the group's place in the round); the modules follow
    four weeks apart, so the module order holds by construction. A module of
    1.5 days ends at noon on its second day.
    """
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    first_day = round_starts_on + dt.timedelta(
        days=7 * ((index // 3) % 4) + index % 3 + MODULE_INTERVAL_DAYS * (order - 1)
    )
    last_day = first_day + dt.timedelta(days=math.ceil(days) - 1)
    ends = dt.time(12) if days % 1 else dt.time(16)
    return (
        dt.datetime.combine(first_day, dt.time(9), tzinfo=zone),
        dt.datetime.combine(last_day, ends, tzinfo=zone),
    )


def attendance_status(draw: float) -> str:
    """A few absent, a few more excused, everyone else present."""
    if draw < 0.02:
        return Attendance.Status.ABSENT
    if draw < 0.05:
        return Attendance.Status.EXCUSED
    return Attendance.Status.PRESENT


def ascii_slug(text: str) -> str:
    """``Åsa Öberg`` -> ``asa-oberg``: e-mail-safe and stable."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def _unique_email(first: str, last: str, domain: str, taken: set[str]) -> str:
    base = f"{ascii_slug(first)}.{ascii_slug(last)}"
    email, n = f"{base}@{domain}", 2
    while email in taken:
        email, n = f"{base}{n}@{domain}", n + 1
    taken.add(email)
    return email


# --- The two demo organisations --------------------------------------------------------


@dataclass(frozen=True)
class ConsultantSpec:
    name: str
    email: str
    firm: str = "Public Partner"


@dataclass(frozen=True)
class CheckInSpec:
    held_on: dt.date
    module: int
    observations: str
    corrections: str
    follow_up: str = ""


@dataclass(frozen=True)
class OrganisationSpec:
    slug: str
    name: str
    seed: int
    employee_prefix: str
    email_domain: str
    departments: tuple[DepartmentSpec, ...]
    program_name: str
    program_purpose: str
    program_motto: str
    program_dates: tuple[dt.date, dt.date]
    round_starts: tuple[dt.date, ...]  # Mondays
    groups_per_round: tuple[int, ...]
    consultants: tuple[ConsultantSpec, ...]
    venues: tuple[str, ...]  # one per module
    late_per_round: dict[int, int] = field(default_factory=dict)
    top_group: bool = False
    check_ins: tuple[CheckInSpec, ...] = ()
    person_logins: tuple[PersonLogin, ...] = ()


OREBRO_DEPARTMENTS = (
    DepartmentSpec("Kommunstyrelseförvaltningen", top=8, heads=0, division_heads=6, first_line=10),
    DepartmentSpec(
        "Förvaltningen förskola och skola", heads=3, division_heads=14, first_line=110,
        units=("Förskoleverksamheten", "Grundskoleverksamheten"),
    ),
    DepartmentSpec("Gymnasie- och vuxenutbildningsförvaltningen", division_heads=6, first_line=30),
    DepartmentSpec(
        "Vård- och omsorgsförvaltningen", heads=2, division_heads=12, first_line=90,
        units=("Hemvården", "Vård- och omsorgsboenden"),
    ),
    DepartmentSpec(
        "Social- och arbetsmarknadsförvaltningen", heads=2, division_heads=8, first_line=45,
        units=("Individ- och familjeomsorgen", "Arbetsmarknad och försörjning"),
    ),
    DepartmentSpec("Förvaltningen för funktionsnedsättning", division_heads=7, first_line=45),
    DepartmentSpec("Kultur- och fritidsförvaltningen", division_heads=4, first_line=18),
    DepartmentSpec("Samhällsbyggnadsförvaltningen", division_heads=4, first_line=12),
    DepartmentSpec("Tekniska förvaltningen", division_heads=4, first_line=14),
    DepartmentSpec("Förvaltningen gemensamma tjänster", division_heads=2, first_line=10),
    DepartmentSpec("Miljöförvaltningen", division_heads=1, first_line=6),
)  # fmt: skip

REGION_DEPARTMENTS = (
    DepartmentSpec("Regiondirektörens stab", top=1, heads=0, division_heads=1, first_line=2),
    DepartmentSpec("Hälso- och sjukvårdsförvaltningen", division_heads=3, first_line=12),
    DepartmentSpec("Tandvårdsförvaltningen", division_heads=1, first_line=5),
    DepartmentSpec("Förvaltningen för regional utveckling", division_heads=1, first_line=4),
    DepartmentSpec("Kulturförvaltningen", division_heads=1, first_line=3),
    DepartmentSpec("Regionservice", division_heads=1, first_line=4),
)

_C = CheckInSpec
OREBRO_CHECK_INS = (
    _C(dt.date(2015, 1, 20), 1,
       "Upplägget för modul 1 gicks igenom inför starten. Kommunledningen går först och "
       "deltar i de gemensamma introduktionerna.",
       "Kommundirektören öppnar varje grupps första modul. Underlaget till överenskommelsen "
       "mellan mig och min chef skickas ut två veckor före start."),
    _C(dt.date(2015, 2, 16), 1,
       "Kommunledningen har genomfört modul 1. Bra diskussioner om chefsrollen i en politiskt "
       "styrd organisation, men tiden för egna fall räckte inte.",
       "Mer tid för fallarbete i mindre grupper, kortare inledande föreläsning.",
       "Kommundirektörens inledning fungerade väl och behålls."),
    _C(dt.date(2015, 3, 16), 2,
       "Modul 2 har startat i omgång 1. Deltagarna uppskattar övningarna i att ge tydlig "
       "återkoppling.",
       "Övningen om svåra samtal flyttas till dag två så att den får mer tid.",
       "Fallarbetet i modul 1 har fått mer tid, enligt beslut."),
    _C(dt.date(2015, 4, 20), 3,
       "Frågor om budgetprocessen och arbetsrätten tog mycket tid i modul 3. Flera chefer "
       "saknar stöd i personalfrågor.",
       "HR- och ekonomifunktionerna medverkar med en gemensam genomgång i varje grupp.",
       "Svåra samtal ligger nu på dag två; det fungerar bättre."),
    _C(dt.date(2015, 5, 18), 4,
       "Modul 4 i första omgången: Navigatorn uppskattas som verktyg för förändringsledning. "
       "Färdplanerna varierar mycket i kvalitet.",
       "En mall för Färdplan för fortsatt utveckling tas fram till andra omgången.",
       "HR och ekonomi har medverkat i modul 3 i alla grupper."),
    _C(dt.date(2015, 8, 24), 1,
       "Inför omgång 2: chefer som tillträtt under våren ska med. Grupperna är kontrollerade så "
       "att var och en blandar minst fem förvaltningar.",
       "Nya chefer placeras i närmaste omgång i stället för att vänta till nästa år.",
       "Mallen för färdplanen är klar."),
    _C(dt.date(2015, 10, 12), 2,
       "Deltagarna i omgång 2 hinner inte alltid pröva verktygen mellan modulerna.",
       "Processledarna ger en konkret uppgift att pröva med den egna arbetsgruppen inför nästa "
       "modul.",
       "Nya chefer är inplacerade i omgång 2."),
    _C(dt.date(2015, 11, 9), 3,
       "Alla överenskommelser mellan deltagare och chef var inte klara före modulen.",
       "Projektledaren påminner förvaltningscheferna två veckor före varje modul.",
       "Uppgiften mellan modulerna har gett fler konkreta exempel i uppföljningen."),
    _C(dt.date(2015, 12, 14), 4,
       "Stark avslutning i omgång 2. Deltagarna lyfter helhetssynen och samarbetet över "
       "förvaltningsgränserna.",
       "Inga ändringar i upplägget. Deltagarnas exempel samlas till statusrapporten.",
       "Fler överenskommelser var klara i tid efter påminnelserna."),
    _C(dt.date(2016, 1, 25), 1,
       "Genomgång inför omgång 3. Frånvaron i modul 1 ökade något i omgång 2.",
       "Förhinder anmäls till projektledaren, och den som missar en modul erbjuds plats i en "
       "senare grupp.",
       "Statusrapporten med deltagarnas exempel är lämnad till styrgruppen."),
    _C(dt.date(2016, 3, 7), 2,
       "Rollspelen i modul 2 upplevs som givande, men några deltagare tycker att de är för långa.",
       "Rollspelen kortas och följs av reflektion i par.",
       "Rutinen för förhinder är införd."),
    _C(dt.date(2016, 4, 11), 3,
       "Utvärderingen av modul 3 ligger något lägre än för de andra modulerna. Deltagarna vill "
       "ha fler exempel från den egna verksamheten.",
       "Ekonomifunktionen tar fram exempel från kommunens egen budget och uppföljning.",
       "Kortare rollspel har gett bättre reflektion."),
    _C(dt.date(2016, 5, 16), 4,
       "Deltagarna beskriver att de blivit säkrare i sina beslut och bättre på att leda "
       "förändring.",
       "Effekterna dokumenteras i sista modulen med Spåra effekter av SVC.",
       "Exemplen från kommunens egen budget togs emot väl i modul 3."),
    _C(dt.date(2016, 8, 29), 1,
       "Inför omgång 4: gruppernas storlek och blandning av förvaltningar är kontrollerade.",
       "Kommunledningen medverkar även i avslutningen av modul 4.",
       "Spåra effekter av SVC används i alla grupper."),
    _C(dt.date(2016, 10, 10), 2,
       "Processledarna ser att deltagarna oftare involverar sina medarbetare mellan modulerna.",
       "Exempel på Pröva, tillämpa, involvera tas upp i början av varje modul.",
       "Kommunledningen har bekräftat sin medverkan i avslutningarna."),
    _C(dt.date(2016, 11, 14), 3,
       "Nya föreskrifter om organisatorisk och social arbetsmiljö gäller sedan i våras.",
       "Modul 3 kompletteras med fördelning av arbetsmiljöuppgifter.",
       "Exemplen från Pröva, tillämpa, involvera ger en bra start på modulerna."),
    _C(dt.date(2016, 12, 12), 4,
       "Omgång 4 är avslutad. Utvärderingarna ligger stabilt kring 4,8 på den sexgradiga skalan.",
       "Inga ändringar. Sista omgången genomförs med samma upplägg.",
       "Arbetsmiljödelen i modul 3 är på plats."),
    _C(dt.date(2017, 1, 30), 1,
       "Inför sista omgången: de senast tillträdda cheferna är inplacerade.",
       "Chefer som tillträder efter omgång 5 får en kortare introduktion i kommunens egen regi.",
       "Upplägget för omgång 5 är fastställt."),
    _C(dt.date(2017, 3, 27), 2,
       "Omgång 5 är i full gång. Deltagarna är väl förberedda tack vare överenskommelserna med "
       "sina chefer.",
       "Färdplanerna följs upp i de ordinarie medarbetarsamtalen efter programmet.",
       "Introduktionen för senare tillträdda chefer är planerad."),
    _C(dt.date(2017, 5, 22), 4,
       "Programmet är genomfört: 23 grupper i fem omgångar. Deltagarna vittnar om ökad "
       "helhetssyn, tydligare beslut och bättre förmåga att leda förändring.",
       "Slutrapport till styrgruppen. Erfarenheterna tas till vara i kommunens fortsatta "
       "chefsutveckling.",
       "Färdplanerna är kopplade till medarbetarsamtalen."),
)  # fmt: skip
del _C


def _consultants() -> tuple[ConsultantSpec, ...]:
    """Public Partner's 14 process leaders; the first is the demo process leader's login."""
    fake = Faker("sv_SE")
    fake.seed_instance(14)
    taken: set[str] = set()
    generated = []
    while len(generated) < 13:
        first, last = fake.first_name(), fake.last_name()
        name = f"{first} {last}"
        if name != "Pia Lindqvist" and name not in {c.name for c in generated}:
            generated.append(
                ConsultantSpec(name, _unique_email(first, last, "publicpartner.example", taken))
            )
    return (ConsultantSpec("Pia Lindqvist", "processledare@konsult.example"), *generated)


def orebro_spec(consultants: tuple[ConsultantSpec, ...]) -> OrganisationSpec:
    return OrganisationSpec(
        slug="orebro",
        name="Örebro kommun",
        seed=480,
        employee_prefix="1",
        email_domain="orebro.example",
        departments=OREBRO_DEPARTMENTS,
        program_name="Sveriges viktigaste chefsjobb",
        program_purpose=(
            "Stärka kompetensen hos cheferna så att de kan agera som säkra, initiativrika och "
            "klara chefer, som tar ansvar för helheten så att kommunen kan genomföra och "
            "utveckla sitt uppdrag i dag och i framtiden."
        ),
        program_motto="Säkra, initiativrika och klara",
        program_dates=(dt.date(2015, 1, 1), dt.date(2017, 12, 31)),
        round_starts=(
            dt.date(2015, 2, 2),
            dt.date(2015, 9, 7),
            dt.date(2016, 2, 1),
            dt.date(2016, 9, 5),
            dt.date(2017, 2, 6),
        ),
        groups_per_round=(5, 5, 5, 4, 4),
        late_per_round={2: 8, 3: 9, 4: 9, 5: 10},
        top_group=True,
        consultants=consultants,
        venues=("Örebro slott", "Conventum Kongress", "Stadshuset", "Naturens hus"),
        check_ins=OREBRO_CHECK_INS,
        person_logins=PERSON_LOGINS,
    )


def region_spec(consultants: tuple[ConsultantSpec, ...]) -> OrganisationSpec:
    """A small second organisation: it proves that organisations never see each other."""
    return OrganisationSpec(
        slug="region-exempel",
        name="Region Exempel",
        seed=44,
        employee_prefix="R",
        email_domain="region-exempel.example",
        departments=REGION_DEPARTMENTS,
        program_name="Ledarskap i Region Exempel",
        program_purpose="Ett gemensamt chefsprogram för regionens chefer, med SVC:s fyra moduler.",
        program_motto="Tillsammans för regionen",
        program_dates=(dt.date(2016, 8, 1), dt.date(2017, 6, 30)),
        round_starts=(dt.date(2016, 9, 5),),
        groups_per_round=(2,),
        # A consultant may work for several organisations.
        consultants=(
            consultants[-1],
            ConsultantSpec("Lars Berg", "lars.berg@ledarskapshuset.example", "Ledarskapshuset"),
        ),
        venues=("Regionens hus",) * 4,
    )


# --- Writing the plan ------------------------------------------------------------------


class _Writer:
    """Brings stored rows to the planned values and counts the rows it wrote."""

    def __init__(self):
        self.written = 0

    def sync(
        self, queryset: models.QuerySet, *, key: tuple[str, ...], rows: Iterable[dict], prune=False
    ) -> dict[tuple, models.Model]:
        """Create missing rows, update differing ones; returns every planned row by key.

        Rows are dicts of attribute names (``department_id``, not ``department``).
        With ``prune``, rows of ``queryset`` that are not planned are deleted
        (used for link tables only).
        """
        model = queryset.model
        stored = {tuple(getattr(obj, k) for k in key): obj for obj in queryset}
        planned, new, changed, fields = {}, [], [], set()
        for row in rows:
            row_key = tuple(row[k] for k in key)
            obj = stored.get(row_key)
            if obj is None:
                obj = model(**row)
                new.append(obj)
            else:
                diff = [name for name, value in row.items() if getattr(obj, name) != value]
                for name in diff:
                    setattr(obj, name, row[name])
                if diff:
                    changed.append(obj)
                    fields.update(diff)
            planned[row_key] = obj
        model.objects.bulk_create(new, batch_size=BATCH_SIZE)
        if changed:
            model.objects.bulk_update(changed, sorted(fields), batch_size=BATCH_SIZE)
        if prune:
            extra = [obj.pk for k, obj in stored.items() if k not in planned]
            self.written += model.objects.filter(pk__in=extra).delete()[0]
        self.written += len(new) + len(changed)
        if any(obj.pk is None for obj in new):  # the backend did not return the new ids
            stored = {tuple(getattr(obj, k) for k in key): obj for obj in queryset.all()}
            planned = {k: stored[k] for k in planned}
        return planned

    def user(self, *, email: str, full_name: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            self.written += 1
            return User.objects.create_user(
                email=email, password=DEMO_PASSWORD, full_name=full_name
            )
        if user.full_name != full_name:
            user.full_name = full_name
            user.save(update_fields=["full_name"])
            self.written += 1
        return user

    def consultants(self, spec: OrganisationSpec, organisation: Organisation) -> list[Consultant]:
        logins = {
            login.email: self.user(email=login.email, full_name=login.full_name)
            for login in DEMO_ROLE_USERS
            if login.role == Role.PROCESS_LEADER
        }
        stored = self.sync(
            Consultant.objects.filter(email__in=[c.email for c in spec.consultants]),
            key=("email",),
            rows=[
                {
                    "email": c.email,
                    "name": c.name,
                    "firm": c.firm,
                    "user_id": logins[c.email].pk if c.email in logins else None,
                }
                for c in spec.consultants
            ],
        )
        consultants = [stored[(c.email,)] for c in spec.consultants]
        self.sync(
            Consultant.organisations.through.objects.filter(organisation=organisation),
            key=("consultant_id", "organisation_id"),
            rows=[{"consultant_id": c.pk, "organisation_id": organisation.pk} for c in consultants],
        )
        return consultants

    def organisation(self, spec: OrganisationSpec) -> Organisation:
        """Write one organisation's departments, managers, program and check-ins."""
        organisation = self.sync(
            Organisation.objects.filter(slug=spec.slug),
            key=("slug",),
            rows=[{"slug": spec.slug, "name": spec.name}],
        )[(spec.slug,)]
        for login in DEMO_ROLE_USERS:
            if login.organisation == spec.slug:
                user = self.user(email=login.email, full_name=login.full_name)
                _, created = Membership.objects.get_or_create(
                    user=user, organisation=organisation, role=login.role
                )
                self.written += created
                if login.role == Role.HR and not user.is_staff:
                    grant_hr_admin(user=user)
                    self.written += 1
        consultants = self.consultants(spec, organisation)
        plans, late, people = self._people(spec, organisation)
        program = self._program(spec, organisation, consultants)
        members = plan_groups(
            people=plans,
            groups_per_round=spec.groups_per_round,
            late=late,
            top_group=spec.top_group,
        )
        self._groups(spec, program, members, people, consultants)
        self._check_ins(spec, program)
        return organisation

    def _people(self, spec, organisation) -> tuple[list[PersonPlan], dict, dict[str, Person]]:
        """Departments and managers; returns the plans, the late appointees and the rows."""
        tops = self.sync(
            Department.objects.filter(organisation=organisation, parent__isnull=True),
            key=("name",),
            rows=[
                {"organisation_id": organisation.pk, "parent_id": None, "name": d.name}
                for d in spec.departments
            ],
        )
        units = self.sync(
            Department.objects.filter(organisation=organisation, parent__isnull=False),
            key=("parent_id", "name"),
            rows=[
                {"organisation_id": organisation.pk, "parent_id": tops[(d.name,)].pk, "name": u}
                for d in spec.departments
                for u in d.units
            ],
        )
        fake = Faker("sv_SE")
        fake.seed_instance(spec.seed)
        plans = plan_people(
            departments=spec.departments,
            prefix=spec.employee_prefix,
            names=lambda: (fake.first_name(), fake.last_name()),
        )
        late = plan_manager_since(
            plans,
            rng=random.Random(spec.seed),
            round_starts=spec.round_starts,
            late_per_round=spec.late_per_round,
        )
        emails: set[str] = set()
        rows = []
        for plan in plans:
            department = tops[(plan.department,)]
            if plan.unit:
                department = units[(department.pk, plan.unit)]
            rows.append(
                {
                    "organisation_id": organisation.pk,
                    "employee_number": plan.employee_number,
                    "first_name": plan.first_name,
                    "last_name": plan.last_name,
                    "email": _unique_email(
                        plan.first_name, plan.last_name, spec.email_domain, emails
                    ),
                    "department_id": department.pk,
                    "level": plan.level,
                    "manager_since": plan.manager_since,
                    "active": True,
                    "user_id": None,
                }
            )
        by_number = {row["employee_number"]: row for row in rows}
        for login in spec.person_logins:
            plan = [p for p in plans if (p.department, p.level) == (login.department, login.level)]
            row = by_number[plan[login.index].employee_number]
            full_name = f"{row['first_name']} {row['last_name']}"
            row["email"] = login.email
            row["user_id"] = self.user(email=login.email, full_name=full_name).pk
        stored = self.sync(
            Person.objects.filter(organisation=organisation), key=("employee_number",), rows=rows
        )
        # Line managers in a second pass: every manager's row now exists.
        self.sync(
            Person.objects.filter(organisation=organisation),
            key=("employee_number",),
            rows=[
                {
                    "employee_number": p.employee_number,
                    "line_manager_id": stored[(p.line_manager,)].pk if p.line_manager else None,
                }
                for p in plans
            ],
        )
        return plans, late, {key[0]: person for key, person in stored.items()}

    def _program(self, spec, organisation, consultants) -> Program:
        starts_on, ends_on = spec.program_dates
        program = self.sync(
            Program.objects.filter(organisation=organisation, name=spec.program_name),
            key=("name",),
            rows=[
                {
                    "organisation_id": organisation.pk,
                    "name": spec.program_name,
                    "purpose": spec.program_purpose,
                    "motto": spec.program_motto,
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                    "min_group_size": 20,
                    "max_group_size": 25,
                }
            ],
        )[(spec.program_name,)]
        self.sync(
            Module.objects.filter(program=program),
            key=("order",),
            rows=[
                {
                    "program_id": program.pk,
                    "order": order,
                    "name": module.name,
                    "purpose": module.purpose,
                    "duration_days": module.days,
                    # One module-responsible consultant per module, after the demo login.
                    "responsible_consultant_id": consultants[order % len(consultants)].pk,
                }
                for order, module in enumerate(MODULES, 1)
            ],
        )
        return program

    def _groups(self, spec, program, members, people, consultants) -> None:
        """Rounds, groups, process leaders, enrollments, sessions and attendance."""
        places = [  # (round number, index in round) of each group, numbered 1.. overall
            (number, index)
            for number, count in enumerate(spec.groups_per_round, 1)
            for index in range(count)
        ]
        modules = {m.order: m for m in Module.objects.filter(program=program)}
        times = {
            (g, order): session_times(
                round_starts_on=spec.round_starts[number - 1],
                index=index,
                order=order,
                days=modules[order].duration_days,
            )
            for g, (number, index) in enumerate(places)
            for order in modules
        }
        rounds = self.sync(
            Round.objects.filter(program=program),
            key=("number",),
            rows=[
                {
                    "program_id": program.pk,
                    "number": number,
                    "starts_on": starts_on,
                    "ends_on": max(
                        times[g, order][1].date()
                        for g, (n, _) in enumerate(places)
                        if n == number
                        for order in modules
                    ),
                }
                for number, starts_on in enumerate(spec.round_starts, 1)
            ],
        )
        groups = self.sync(
            Group.objects.filter(round__program=program),
            key=("round_id", "number"),
            rows=[
                {
                    "round_id": rounds[(number,)].pk,
                    "number": g + 1,
                    "name": "Kommunledningen" if spec.top_group and g == 0 else "",
                }
                for g, (number, _) in enumerate(places)
            ],
        )
        groups = [groups[(rounds[(number,)].pk, g + 1)] for g, (number, _) in enumerate(places)]
        leaders = self._process_leaders(spec, members, consultants, people)
        self.sync(
            Group.process_leaders.through.objects.filter(group__round__program=program),
            key=("group_id", "consultant_id"),
            rows=[
                {"group_id": group.pk, "consultant_id": c.pk}
                for group, pair in zip(groups, leaders, strict=True)
                for c in pair
            ],
            prune=True,
        )
        enrollments = self.sync(
            Enrollment.objects.filter(program=program).exclude(
                status__in=Enrollment.INACTIVE_STATUSES
            ),
            key=("person_id",),
            rows=[
                {
                    "person_id": people[p.employee_number].pk,
                    "group_id": group.pk,
                    "program_id": program.pk,
                    "status": Enrollment.Status.COMPLETED,
                }
                for group, persons in zip(groups, members, strict=True)
                for p in persons
            ],
        )
        sessions = self._sessions(spec, groups, modules, times, leaders)
        self.sync(
            Attendance.objects.filter(session__group__round__program=program),
            key=("enrollment_id", "session_id"),
            rows=[
                {
                    "enrollment_id": enrollments[(people[p.employee_number].pk,)].pk,
                    "session_id": sessions[group.pk, order].pk,
                    "status": attendance_status(
                        random.Random(f"{spec.slug}:{p.employee_number}:{order}").random()
                    ),
                }
                for group, persons in zip(groups, members, strict=True)
                for p in persons
                for order in modules
            ],
        )

    def _process_leaders(self, spec, members, consultants, people) -> list[tuple]:
        """Two process leaders per group; the demo process leader leads deltagare@'s group."""
        n = len(consultants)
        leaders = [
            (consultants[(2 * g) % n], consultants[(2 * g + 1) % n]) for g in range(len(members))
        ]
        for login in spec.person_logins:
            if Role.PARTICIPANT not in login.roles:
                continue
            for g, persons in enumerate(members):
                enrolled = any(people[p.employee_number].email == login.email for p in persons)
                if enrolled and consultants[0] not in leaders[g]:
                    leaders[g] = (consultants[0], leaders[g][0])
        return leaders

    def _sessions(self, spec, groups, modules, times, leaders) -> dict[tuple, Session]:
        """Sessions go through ``session_save``, which enforces the module order."""
        stored = {
            (s.group_id, s.module.order): s
            for s in Session.objects.filter(group__in=groups).select_related("module")
        }
        sessions = {}
        booked: dict[int, list[tuple]] = defaultdict(list)  # consultant id -> (start, end)
        pool = [leader for pair in leaders for leader in pair]
        for g, group in enumerate(groups):
            for order, module in modules.items():
                starts_at, ends_at = times[g, order]
                preferred = [leaders[g][(order - 1) % 2], leaders[g][order % 2]]
                # Nobody leads two sessions at once: the group's other leader, or else the
                # first free consultant of the program, steps in.
                leader = next(
                    c
                    for c in [*preferred, *pool]
                    if all(end <= starts_at or start >= ends_at for start, end in booked[c.pk])
                )
                booked[leader.pk].append((starts_at, ends_at))
                planned = {
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                    "venue": spec.venues[order - 1],
                    "process_leader": leader,
                }
                session = stored.get((group.pk, order))
                if session is None or any(
                    getattr(session, name) != value for name, value in planned.items()
                ):
                    session = session_save(group=group, module=module, session=session, **planned)
                    self.written += 1
                sessions[group.pk, order] = session
        return sessions

    def _check_ins(self, spec, program) -> None:
        if not spec.check_ins:
            return
        modules = {m.order: m for m in Module.objects.filter(program=program)}
        project_leader = User.objects.get(email=PROJECT_LEADER_EMAIL)
        self.sync(
            CheckIn.objects.filter(program=program),
            key=("held_on",),
            rows=[
                {
                    "program_id": program.pk,
                    "held_on": c.held_on,
                    "module_id": modules[c.module].pk,
                    "project_leader_id": project_leader.pk,
                    "consultant_id": modules[c.module].responsible_consultant_id,
                    "observations": c.observations,
                    "corrections": c.corrections,
                    "follow_up": c.follow_up,
                }
                for c in spec.check_ins
            ],
        )


def demo_figures(*, organisation: Organisation) -> dict:
    """ "SVC i siffror" for one organisation, counted from the stored rows."""
    program = Program.objects.filter(organisation=organisation).order_by("starts_on").first()
    groups = list(
        Group.objects.filter(round__program=program)
        .annotate(
            size=Count(
                "enrollments",
                filter=~Q(enrollments__status__in=Enrollment.INACTIVE_STATUSES),
            )
        )
        .order_by("round__number", "number")
    )
    departments: dict[int, set[int]] = {g.pk: set() for g in groups}
    members: dict[int, set[int]] = {g.pk: set() for g in groups}
    for group_id, person_id, department_id, parent_id in (
        Enrollment.objects.filter(program=program)
        .exclude(status__in=Enrollment.INACTIVE_STATUSES)
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


@transaction.atomic
def seed_demo() -> dict:
    """Create or update the demo organisations. Returns Örebro's figures and rows written."""
    consultants = _consultants()
    writer = _Writer()
    orebro = writer.organisation(orebro_spec(consultants))
    region = writer.organisation(region_spec(consultants))
    from evaluations.demo import seed_demo_evaluations
    from programs.agreements import seed_demo_agreements

    program = Program.objects.get(organisation=orebro)
    agreements = seed_demo_agreements(program=program)
    writer.written += agreements["agreements"] + agreements["history"]
    evaluations = seed_demo_evaluations(program=program)
    from reports.demo import seed_demo_reports

    # After the evaluations: each report freezes the figures as of its meeting.
    writer.written += seed_demo_reports(program=program)
    return {
        **demo_figures(organisation=orebro),
        "organisations": Organisation.objects.filter(pk__in=[orebro.pk, region.pk]).count(),
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
    return logins
