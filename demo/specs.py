"""What the demo is made of: logins, modules, consultants, check-ins, organisations."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from faker import Faker

from participants.models import (
    Level,
    Role,
)

from .plans import DepartmentSpec, unique_email

DEMO_PASSWORD = "demo-password-2015"
# The HR coordinator is also the program's project leader in the check-ins.
PROJECT_LEADER_EMAIL = "hr@orebro.example"
# Örebro also has a live program (demo.live); this one is the 2015–2017 original.
SVC_PROGRAM_NAME = "Sveriges viktigaste chefsjobb"
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
    # A third organisation, whose program was started from the built-in SVC template.
    DemoLogin("hr@lindesberg.example", "Maria Sundin", Role.HR, "lindesberg"),
]


@dataclass(frozen=True)
class OperatorLogin:
    """A login of the consultancy's staff: the platform operator, member of no organisation."""

    email: str
    full_name: str


# The consultancy that runs SVC for many organisations (its console is /konsol/).
OPERATOR_LOGIN = OperatorLogin("konsult@ledarskapskonsulterna.example", "Jonas Falk")


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


def demo_consultants() -> tuple[ConsultantSpec, ...]:
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
                ConsultantSpec(name, unique_email(first, last, "publicpartner.example", taken))
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
        program_name=SVC_PROGRAM_NAME,
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


# --- A third organisation, started from the SVC template (demo.lindesberg) ---------------

LINDESBERG_DEPARTMENTS = (
    DepartmentSpec("Kommunledningsförvaltningen", top=2, heads=0, division_heads=2, first_line=4),
    DepartmentSpec("Barn- och utbildningsförvaltningen", division_heads=3, first_line=14),
    DepartmentSpec("Vård- och omsorgsförvaltningen", division_heads=3, first_line=12),
    DepartmentSpec("Samhällsbyggnadsförvaltningen", division_heads=1, first_line=5),
)


def lindesberg_spec(consultants: tuple[ConsultantSpec, ...]) -> OrganisationSpec:
    """Lindesbergs kommun: 49 managers, a program from the SVC template, round 1 to come.

    The program's name is the one HR gave it; its purpose, motto and dates come from the
    template and the day the demo is seeded (``demo.lindesberg``), so the spec's are unused.
    """
    return OrganisationSpec(
        slug="lindesberg",
        name="Lindesbergs kommun",
        seed=711,
        employee_prefix="L",
        email_domain="lindesberg.example",
        departments=LINDESBERG_DEPARTMENTS,
        program_name="Sveriges viktigaste chefsjobb i Lindesberg",
        program_purpose="",
        program_motto="",
        program_dates=(dt.date.min, dt.date.min),
        round_starts=(),
        groups_per_round=(1,),
        # processledare@ works for Örebro kommun and Lindesbergs kommun, with a colleague.
        consultants=consultants[:2],
        venues=("Kulturhuset Lindesberg",) * 4,
    )


# --- Synthetic organisations that take part in the comparison (demo.comparison) -----------


@dataclass(frozen=True)
class ComparisonOrganisationSpec:
    slug: str
    name: str
    level: float  # the ratings' centre on the 1–6 scale
    response: float  # the share of attendees who answer


COMPARISON_ORGANISATIONS = (
    ComparisonOrganisationSpec("sjoby", "Sjöby kommun", 4.4, 0.85),
    ComparisonOrganisationSpec("akerby", "Åkerby kommun", 4.7, 0.9),
    ComparisonOrganisationSpec("norrvik", "Norrviks kommun", 5.0, 0.8),
    ComparisonOrganisationSpec("dalsjo", "Dalsjö kommun", 5.2, 0.95),
)

COMPARISON_DEPARTMENTS = (
    DepartmentSpec("Kommunledningskontoret", top=1, heads=0, division_heads=1, first_line=3),
    DepartmentSpec("Utbildningsförvaltningen", division_heads=1, first_line=6),
    DepartmentSpec("Socialförvaltningen", division_heads=1, first_line=5),
)  # 20 managers


# --- Writing the plan ------------------------------------------------------------------
