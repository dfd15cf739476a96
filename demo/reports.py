"""Demo data: the 20 status reports Örebro's steering group treated in 2015–2017.

``seed_demo_reports(program=...)`` writes them as records (no PDF yet), each
through ``status_report_create`` with the date of its steering-group meeting,
so it gets its number and a snapshot of the figures as they stood that day.
Idempotent: a report whose number exists is brought to the planned texts
and dates, never numbered again. ``render_latest_report`` renders the newest
one in-process, so the demo steering group can download it at once.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef

from participants.models import User
from programs.completion import completed_enrollments
from programs.models import Enrollment, Program, Session
from reports import selectors, services
from reports.models import StatusReport

PROJECT_LEADER_EMAIL = "hr@orebro.example"


@dataclass(frozen=True)
class ReportSpec:
    meeting: dt.date  # the steering group's meeting: the report's date
    period: tuple[dt.date, dt.date]
    focus_round: int | None
    focus_module: int | None
    summary: str
    according_to_plan: str
    deviations: str = ""
    decisions_requested: str = ""


_R = ReportSpec
_d = dt.date
REPORTS = (
    _R(_d(2015, 2, 23), (_d(2015, 1, 1), _d(2015, 2, 20)), 1, 1,
       "Programmet har startat. Kommunledningen och förvaltningscheferna har som första grupp "
       "genomfört modul 1, Del av en helhet, och går därmed före som förebilder.",
       "Introduktionen med kommundirektören genomfördes enligt plan. Alla fem grupper i "
       "omgång 1 är sammansatta och blandar chefer från minst fem förvaltningar.",
       "Tiden för fallarbete i modul 1 räckte inte till.",
       "Styrgruppen ombeds fastställa tidplanen för omgång 2, med start i september."),
    _R(_d(2015, 4, 7), (_d(2015, 2, 21), _d(2015, 4, 3)), 1, 2,
       "Omgång 1 har genomfört modul 1 och påbörjat modul 2, Klar ledare.",
       "Överenskommelserna mellan deltagare och chef gjordes före modul 1 i nästan alla fall. "
       "Närvaron är hög.",
       "Några chefer har haft svårt att frigöra två hela dagar för modul 2.",
       ""),
    _R(_d(2015, 5, 25), (_d(2015, 4, 4), _d(2015, 5, 22)), 1, 3,
       "Modul 3, Säker chef, visar ett stort behov av stöd i personal- och ekonomifrågor.",
       "Modul 2 och 3 är genomförda i omgång 1 enligt tidplanen.",
       "Frågor om budgetprocessen och arbetsrätten tog mer tid än planerat.",
       "Styrgruppen ombeds besluta att HR- och ekonomifunktionerna medverkar i modul 3."),
    _R(_d(2015, 6, 22), (_d(2015, 5, 23), _d(2015, 6, 19)), 1, 4,
       "Omgång 1 är avslutad. Deltagarna lyfter Navigatorn som ett användbart verktyg för "
       "förändringsledning.",
       "Alla fyra moduler är genomförda i omgång 1. Utvärderingarna ligger väl över målet.",
       "Färdplanerna för fortsatt utveckling varierar mycket i kvalitet.",
       "Styrgruppen ombeds godkänna en gemensam mall för färdplanen."),
    _R(_d(2015, 9, 28), (_d(2015, 6, 20), _d(2015, 9, 25)), 2, 1,
       "Omgång 2 har startat med fem grupper. Chefer som tillträtt under våren är med.",
       "Grupperna är sammansatta enligt principen om blandning över förvaltningsgränserna. "
       "Mallen för färdplanen är klar.",
       "",
       ""),
    _R(_d(2015, 11, 2), (_d(2015, 9, 26), _d(2015, 10, 30)), 2, 2,
       "Omgång 2 är inne i modul 2. Deltagarna hinner inte alltid pröva verktygen mellan "
       "modulerna.",
       "Modulerna genomförs enligt tidplanen.",
       "Uppgiften Pröva, tillämpa, involvera genomförs ojämnt mellan modulerna.",
       ""),
    _R(_d(2015, 12, 14), (_d(2015, 10, 31), _d(2015, 12, 11)), 2, 4,
       "Omgång 2 är avslutad med en stark avslutning. Deltagarna lyfter helhetssynen och "
       "samarbetet över förvaltningsgränserna.",
       "Samtliga moduler i omgång 2 är genomförda.",
       "Alla överenskommelser var inte klara före modul 3.",
       "Styrgruppen ombeds påminna förvaltningscheferna om överenskommelserna före varje modul."),
    _R(_d(2016, 2, 15), (_d(2015, 12, 12), _d(2016, 2, 12)), 3, 1,
       "Omgång 3 har startat. Frånvaron i modul 1 ökade något i omgång 2.",
       "Statusrapporten med deltagarnas exempel har lämnats till styrgruppen. Rutinen för "
       "förhinder är införd.",
       "Frånvaron i modul 1 var högre än i omgång 1.",
       ""),
    _R(_d(2016, 3, 21), (_d(2016, 2, 13), _d(2016, 3, 18)), 3, 2,
       "Modul 2 i omgång 3: rollspelen upplevs som givande men för långa.",
       "Närvaron är åter på samma nivå som i omgång 1.",
       "",
       ""),
    _R(_d(2016, 4, 25), (_d(2016, 3, 19), _d(2016, 4, 22)), 3, 3,
       "Utvärderingen av modul 3 ligger något lägre än för de andra modulerna.",
       "Kortare rollspel i modul 2 har gett bättre reflektion.",
       "Deltagarna efterfrågar fler exempel från den egna verksamheten i modul 3.",
       "Styrgruppen ombeds låta ekonomifunktionen ta fram exempel från kommunens egen budget."),
    _R(_d(2016, 6, 13), (_d(2016, 4, 23), _d(2016, 6, 10)), 3, 4,
       "Omgång 3 är avslutad. Deltagarna beskriver att de blivit säkrare i sina beslut och "
       "bättre på att leda förändring.",
       "Alla moduler är genomförda. Effekterna dokumenteras med Spåra effekter av SVC.",
       "",
       ""),
    _R(_d(2016, 9, 26), (_d(2016, 6, 11), _d(2016, 9, 23)), 4, 1,
       "Omgång 4 har startat med fyra grupper.",
       "Gruppernas storlek och blandning av förvaltningar är kontrollerade.",
       "",
       "Styrgruppen ombeds bekräfta kommunledningens medverkan i avslutningen av modul 4."),
    _R(_d(2016, 10, 31), (_d(2016, 9, 24), _d(2016, 10, 28)), 4, 2,
       "Processledarna ser att deltagarna oftare involverar sina medarbetare mellan modulerna.",
       "Modul 2 genomförs enligt plan. Kommunledningen har bekräftat sin medverkan.",
       "",
       ""),
    _R(_d(2016, 12, 12), (_d(2016, 10, 29), _d(2016, 12, 9)), 4, 3,
       "Omgång 4 är avslutad. Modul 3 har kompletterats med den organisatoriska och sociala "
       "arbetsmiljön.",
       "Utvärderingarna ligger stabilt kring 4,8 på den sexgradiga skalan.",
       "De nya föreskrifterna om arbetsmiljö krävde en ändring av modul 3.",
       ""),
    _R(_d(2017, 2, 20), (_d(2016, 12, 10), _d(2017, 2, 17)), 5, 1,
       "Sista omgången har startat. De senast tillträdda cheferna är inplacerade.",
       "Upplägget för omgång 5 är fastställt.",
       "",
       "Styrgruppen ombeds besluta om en kortare introduktion för chefer som tillträder efter "
       "omgång 5."),
    _R(_d(2017, 3, 27), (_d(2017, 2, 18), _d(2017, 3, 24)), 5, 2,
       "Omgång 5 är i full gång. Deltagarna är väl förberedda tack vare överenskommelserna med "
       "sina chefer.",
       "Modulerna genomförs enligt tidplanen.",
       "",
       ""),
    _R(_d(2017, 4, 24), (_d(2017, 3, 25), _d(2017, 4, 21)), 5, 3,
       "Modul 3 i omgång 5 är genomförd med de nya exemplen från kommunens egen verksamhet.",
       "Närvaron och utvärderingarna ligger på samma nivå som i tidigare omgångar.",
       "",
       ""),
    _R(_d(2017, 5, 29), (_d(2017, 4, 22), _d(2017, 5, 26)), 5, 4,
       "Programmet är genomfört: 23 utvecklingsgrupper i fem omgångar, omkring 480 chefer.",
       "Alla omgångar och moduler är genomförda. Medelvärdet i utvärderingarna är 4,8 på en "
       "sexgradig skala.",
       "",
       "Styrgruppen ombeds besluta hur färdplanerna ska följas upp i medarbetarsamtalen."),
    _R(_d(2017, 9, 25), (_d(2017, 5, 27), _d(2017, 9, 22)), None, None,
       "Uppföljning efter programmet: färdplanerna följs upp i de ordinarie "
       "medarbetarsamtalen.",
       "Introduktionen för senare tillträdda chefer är planerad.",
       "",
       ""),
    _R(_d(2017, 12, 11), (_d(2017, 9, 23), _d(2017, 12, 8)), None, None,
       "Slutrapport. Deltagarna vittnar om ökad helhetssyn i chefsrollen, tydligare chefer och "
       "säkrare beslut, och bättre förmåga att leda förändring.",
       "Programmet är genomfört enligt plan och budget.",
       "",
       "Styrgruppen ombeds besluta att erfarenheterna tas till vara i kommunens fortsatta "
       "chefsutveckling."),
)  # fmt: skip
del _R, _d

MEETING_TIME = dt.time(13, 0)


def _meeting_at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, MEETING_TIME, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _participants_as_of(*, program: Program, as_of: dt.datetime) -> dict:
    """Who had started and completed the program by a past date.

    Started: the group had a session by then. Completed: by the one rule
    (``programs.completion``), counting only sessions started by then. Two queries.
    """
    sessions = Session.objects.filter(group=OuterRef("group"))
    enrollments = Enrollment.objects.filter(program=program).holding_place()
    started = enrollments.filter(Exists(sessions.filter(starts_at__lte=as_of)))
    completed = completed_enrollments(enrollments, as_of=as_of)
    return {"enrolled": started.count(), "completed": completed.count(), "withdrawn": 0}


@transaction.atomic
def seed_demo_reports(*, program: Program) -> int:
    """Create or update the program's 20 demo status reports. Returns the number of rows written."""
    author = User.objects.filter(email=PROJECT_LEADER_EMAIL).first()
    rounds = {r.number: r for r in program.rounds.all()}
    modules = {m.order: m for m in program.modules.all()}
    stored = {r.number: r for r in StatusReport.objects.filter(program=program)}
    written = 0
    for number, spec in enumerate(REPORTS, 1):
        start, end = spec.period
        texts = {
            "summary": spec.summary,
            "according_to_plan": spec.according_to_plan,
            "deviations": spec.deviations,
            "decisions_requested": spec.decisions_requested,
        }
        report = stored.get(number)
        if report is None:
            corrections = selectors.corrections_for_period(
                program=program, period_start=start, period_end=end
            )
            report = services.status_report_create(
                program=program,
                created_by=author,
                period_start=start,
                period_end=end,
                focus_round=rounds.get(spec.focus_round),
                focus_module=modules.get(spec.focus_module),
                corrections_made="\n".join(item["corrections"] for item in corrections),
                language="sv",
                created_at=_meeting_at(spec.meeting),
                generate=False,
                **texts,
            )
            report.snapshot["participants"] = _participants_as_of(
                program=program, as_of=report.created_at
            )
            report.status = StatusReport.Status.NOT_GENERATED
            report.save(update_fields=["snapshot", "status"])
            written += 1
            continue
        planned = {**texts, "period_start": start, "period_end": end}
        changed = [name for name, value in planned.items() if getattr(report, name) != value]
        if changed:
            for name in changed:
                setattr(report, name, planned[name])
            report.save(update_fields=changed)
            written += 1
    return written


def render_latest_report(*, program: Program) -> StatusReport | None:
    """Render the newest report's PDF now, in this process, unless it is ready already.

    No e-mail is sent: this runs when the demo starts.
    """
    latest = StatusReport.objects.filter(program=program).order_by("-number").first()
    if latest is None or latest.is_ready:
        return latest
    return services.status_report_render(report_id=latest.pk, notify=False)
