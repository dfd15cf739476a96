"""Another organisation's HR, acting against our people: every action that touches people or logins.

The attacker is the HR coordinator of Region Västmanland. Each scenario runs
one HR action with the e-mail addresses and employee numbers of Örebro's
HR coordinator, steering-group member, participant and process leader (a
consultant who works for both). Afterwards every one of them must be exactly
as before (address, password hash, active state, staff flags, the records
linked to the login, memberships) and must still log in with their password.

A new HR action that posts (a URL whose view lets HR in), a new model in the
admin, or a new management command fails ``test_every_hr_action_is_tried``
until it has a scenario here or a reason in ``NOT_ABOUT_LOGINS``.
"""

import io
from dataclasses import dataclass

import pytest
import responses
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command, get_commands
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from participants.models import (
    Consultant,
    LoginConfirmation,
    Membership,
    Person,
    Role,
    User,
)
from participants.tests import oidc_fakes as fake
from participants.tests.factories import (
    ConsultantFactory,
    DepartmentFactory,
    PersonFactory,
    UserFactory,
)
from programs.tests.factories import (
    EnrollmentFactory,
    GroupFactory,
    ModuleFactory,
    ProgramFactory,
    SessionFactory,
)
from svc.roles import roles_in

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # the factories' password


@dataclass
class Attack:
    org: object  # Örebro, the victims' organisation
    region: object  # the attacker's organisation
    attacker: User
    client: Client  # logged in as the attacker
    victims: dict  # name -> User of Örebro
    numbers: dict  # name -> employee number in Örebro (for those with a manager record)
    region_group: object
    region_person: object  # a region manager, linked earlier by its holder to a victim's login
    shared_consultant: Consultant
    commit: object  # django_capture_on_commit_callbacks: runs what was queued on commit
    monkeypatch: object


def _snapshot(users) -> dict:
    state = {}
    for name, user in users.items():
        user = User.objects.get(pk=user.pk)
        state[name] = {
            "email": user.email,
            "password": user.password,
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "people": sorted(Person.objects.filter(user=user).values_list("pk", flat=True)),
            "consultant": Consultant.objects.filter(user=user).values_list("pk", flat=True).first(),
            "memberships": sorted(
                Membership.objects.filter(user=user).values_list("organisation_id", "role")
            ),
        }
    return state


def _can_log_in(user) -> bool:
    client = Client()
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    return response.status_code == 302 and client.session.get("_auth_user_id") == str(user.pk)


@pytest.fixture
def attack(
    org,
    other_org,
    hr_user,
    steering_user,
    outsider,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    region = other_org
    # Örebro's people. The participant also manages in the region (linked by them, earlier).
    PersonFactory(organisation=org, user=hr_user, email=hr_user.email, employee_number="O-1")
    participant = UserFactory(email="deltagare@orebro.test")
    person = PersonFactory(
        organisation=org, user=participant, email=participant.email, employee_number="O-2"
    )
    EnrollmentFactory(person=person, group=GroupFactory(round__program__organisation=org))
    leader = UserFactory(email="processledare@konsult.test")
    consultant = ConsultantFactory(user=leader, email=leader.email, organisations=[org, region])
    victims = {
        "hr": hr_user, "steering": steering_user, "participant": participant,
        "process_leader": leader,
    }  # fmt: skip
    numbers = {"hr": "O-1", "participant": "O-2"}

    # The region: a program with a scheduled group, and the attacker as staff HR.
    program = ProgramFactory(organisation=region)
    module = ModuleFactory(program=program, order=1)
    group = GroupFactory(round__program=program)
    member = PersonFactory(organisation=region, email="medlem@vastmanland.test")
    EnrollmentFactory(person=member, group=group)
    SessionFactory(group=group, module=module, process_leader=consultant)
    region_person = PersonFactory(
        organisation=region, user=participant, email=participant.email, employee_number="R-9"
    )
    DepartmentFactory(organisation=region, name="Regionledningen")
    outsider.is_staff = True
    outsider.save()
    outsider.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["participants", "programs"])
    )
    client = Client()
    client.force_login(outsider)
    return Attack(
        org=org, region=region, attacker=outsider, client=client, victims=victims,
        numbers=numbers, region_group=group, region_person=region_person,
        shared_consultant=consultant, commit=django_capture_on_commit_callbacks,
        monkeypatch=monkeypatch,
    )  # fmt: skip


def _region(attack, name, **kwargs):
    return reverse(name, kwargs={"org": attack.region.slug, **kwargs})


def _person_data(attack, *, number, email, first="Falsk", last="Person", active=True):
    department = attack.region.departments.get(name="Regionledningen")
    data = {
        "employee_number": number, "first_name": first, "last_name": last, "email": email,
        "department": department.pk, "level": "enhetschef", "manager_since": "",
        "line_manager_number": "",
    }  # fmt: skip
    if active:
        data["active"] = "on"
    return data


def _give_region_people_the_victims_addresses(attack):
    """Steps 1 and 2 of the takeover: region managers carrying Örebro's addresses."""
    member = attack.region_group.enrollments.get().person
    boss = PersonFactory(organisation=attack.region, email=attack.victims["steering"].email)
    member.email = attack.victims["hr"].email
    member.line_manager = boss
    member.save()


# --- The scenarios, one per HR action --------------------------------------------------------


def person_create(attack):
    for name, user in attack.victims.items():
        number = attack.numbers.get(name, f"X-{name}")
        response = attack.client.post(
            _region(attack, "participants:person_create"),
            _person_data(attack, number=number, email=user.email),
        )
        assert response.status_code == 302
    assert Person.objects.filter(organisation=attack.region, user__isnull=False).count() == 1


def person_edit(attack):
    url = _region(attack, "participants:person_edit", pk=attack.region_person.pk)
    data = _person_data(attack, number="R-9", email="angripare@vastmanland.test", active=False)
    with attack.commit(execute=True):
        attack.client.post(url, data)
    assert Person.objects.get(pk=attack.region_person.pk).email == "angripare@vastmanland.test"
    # A login used in Örebro too keeps its address: nothing was even asked of its holder.
    assert mail.outbox == []
    assert not LoginConfirmation.objects.filter(kind="email").exists()
    assert roles_in(user=attack.victims["participant"], organisation=attack.org) == {
        Role.PARTICIPANT
    }


def _csv(rows):
    header = "Anställningsnummer;Förnamn;Efternamn;E-post;Förvaltning;Enhet;Chefsnivå;" + (
        "Närmaste chef (anst.nr);Chef sedan;Aktiv"
    )
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def _attack_rows(attack):
    rows = [
        f"{attack.numbers.get(name, 'X-' + name)};Falsk;{name};{user.email};Regionledningen;;"
        "Enhetschef;;;ja"
        for name, user in attack.victims.items()
    ]
    rows.append("R-9;Falsk;Deltagare;angripare@vastmanland.test;Regionledningen;;Enhetschef;;;nej")
    return rows


def import_confirm(attack):
    upload = io.BytesIO(_csv(_attack_rows(attack)))
    upload.name = "chefer.csv"
    response = attack.client.post(_region(attack, "participants:import_upload"), {"file": upload})
    assert response.status_code == 302
    pk = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    with attack.commit(execute=True):
        attack.client.post(_region(attack, "participants:import_confirm", pk=pk))
    assert Person.objects.get(pk=attack.region_person.pk).active is False


def group_login_links(attack):
    _give_region_people_the_victims_addresses(attack)
    url = _region(attack, "programs:group_login_links", group_id=attack.region_group.pk)
    with attack.commit(execute=True):
        attack.client.post(url)
    # The holders were asked (at their own addresses); nothing was linked.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [attack.victims["hr"].email, attack.victims["steering"].email]
    )
    assert LoginConfirmation.objects.filter(state="pending").count() == 2


def group_invitations(attack):
    _give_region_people_the_victims_addresses(attack)
    url = _region(attack, "programs:group_invitations", group_id=attack.region_group.pk)
    with attack.commit(execute=True):
        attack.client.post(url, {"send_again": "on"})
    assert LoginConfirmation.objects.filter(state="pending").count() == 2


def enrollment_reviewer(attack):
    enrollment = attack.region_group.enrollments.get()
    reviewer = PersonFactory(organisation=attack.region, email=attack.victims["hr"].email)
    url = _region(attack, "programs:enrollment_reviewer", enrollment_id=enrollment.pk)
    with attack.commit(execute=True):
        attack.client.post(url, {"reviewer": reviewer.pk, "reason": "x"})
    enrollment.refresh_from_db()
    assert enrollment.reviewer_id == reviewer.pk


def identity_provider(attack):
    """The region connects a provider of its own that vouches for Örebro's addresses."""
    cache.clear()
    fake.public_dns(attack.monkeypatch)
    provider = fake.FakeProvider()
    data = {
        "enabled": "on", "issuer": fake.ISSUER, "client_id": fake.CLIENT_ID,
        "client_secret": fake.CLIENT_SECRET, "match_on": "email",
        "employee_number_claim": "employee_number", "scopes": "openid email",
        "password_login": "on",
    }  # fmt: skip
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        provider.install(mock)
        response = attack.client.post(_region(attack, "participants:identity_provider"), data)
    assert response.status_code == 302
    signed_in = {}
    for name, user in attack.victims.items():
        if name not in {"participant", "process_leader"}:  # these work in the region too
            PersonFactory(organisation=attack.region, email=user.email)
        browser = Client()
        fake.sign_in(
            browser, attack.region, provider,
            claims={"email": user.email, "email_verified": True},
        )  # fmt: skip
        signed_in[name] = browser.session.get("_auth_user_id") is not None
        if signed_in[name]:
            # The region's provider opens the region's pages, never Örebro's.
            start = reverse("svc:organisation_home", kwargs={"org": attack.org.slug})
            assert browser.get(start)["Location"].startswith(
                reverse("organisation_login", kwargs={"org": attack.org.slug})
            )
    assert signed_in == {
        "hr": False, "steering": False, "participant": True, "process_leader": True
    }  # fmt: skip


# --- The admin and its autocompletes ------------------------------------------------------


def _admin(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def admin_user(attack):
    for user in attack.victims.values():
        change = attack.client.post(
            _admin(User, "change", user.pk), {"email": "angripare@vastmanland.test"}
        )
        password = attack.client.post(
            reverse("admin:auth_user_password_change", args=[user.pk]),
            {"password1": "Angripare-2015!x", "password2": "Angripare-2015!x"},
        )
        assert change.status_code == 302  # the login does not exist for the region's HR
        assert password.status_code == 403
    add = attack.client.post(
        _admin(User, "add"),
        {"email": "ny@vastmanland.test", "password1": "x" * 14, "password2": "x" * 14},
    )
    assert add.status_code == 403


def admin_person(attack):
    department = attack.region.departments.get(name="Regionledningen")
    for user in attack.victims.values():
        response = attack.client.post(
            _admin(Person, "add"),
            {
                "organisation": attack.region.pk, "employee_number": f"A-{user.pk}",
                "first_name": "Falsk", "last_name": "Admin", "email": user.email,
                "department": department.pk, "level": "enhetschef", "active": "on",
                "user": user.pk,
            },
        )  # fmt: skip
        assert response.status_code == 302
    created = Person.objects.filter(employee_number__startswith="A-")
    assert created.count() == 4
    assert not created.filter(user__isnull=False).exists()


def admin_consultant(attack):
    consultant = attack.shared_consultant
    page = attack.client.get(_admin(Consultant, "change", consultant.pk)).content.decode()
    before = (consultant.name, consultant.email)
    post = attack.client.post(
        _admin(Consultant, "change", consultant.pk),
        {"name": "Kapad", "email": "angripare@vastmanland.test", "organisations": []},
    )
    assert "Örebro" not in page
    assert post.status_code == 403
    consultant.refresh_from_db()
    assert (consultant.name, consultant.email) == before
    assert set(consultant.organisations.all()) == {attack.org, attack.region}
    # A consultant of the region's own with an Örebro address, sent a login link.
    own = ConsultantFactory(email=attack.victims["steering"].email, organisations=[attack.region])
    with attack.commit(execute=True):
        attack.client.post(
            _admin(Consultant, "changelist"),
            {"action": "send_login_links", "_selected_action": [own.pk, consultant.pk]},
        )
    own.refresh_from_db()
    assert own.user_id is None
    assert LoginConfirmation.objects.get(consultant=own).user == attack.victims["steering"]


def admin_membership(attack):
    for user in attack.victims.values():
        response = attack.client.post(
            _admin(Membership, "add"),
            {"user": user.pk, "organisation": attack.region.pk, "role": Role.HR},
        )
        assert response.status_code == 200  # "Select a valid choice"
        assert list(response.context["adminform"].form.errors) == ["user"]


def admin_autocomplete(attack):
    for user in attack.victims.values():
        response = attack.client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "participants", "model_name": "membership", "field_name": "user",
                "term": user.email,
            },
        )  # fmt: skip
        assert response.status_code == 200
        assert response.json()["results"] == []


def import_managers_command(attack, tmp_path):
    path = tmp_path / "chefer.csv"
    path.write_bytes(_csv(_attack_rows(attack)))
    with attack.commit(execute=True):
        call_command(
            "import_managers", str(path), "--organisation", attack.region.slug,
            stdout=io.StringIO(),
        )  # fmt: skip
    assert Person.objects.get(pk=attack.region_person.pk).active is False


def person_erase(attack):
    """Erasing reaches no Örebro record, and a region record carrying an Örebro address clears
    nothing of that login. (The region's record linked to a shared login is only unlinked from
    it, the login untouched: privacy/tests/test_erasure.py.)"""
    from axes.models import AccessAttempt

    _give_region_people_the_victims_addresses(attack)
    lockout = AccessAttempt.objects.create(
        username=attack.victims["hr"].email, ip_address="10.0.0.1", user_agent="x",
        http_accept="*/*", path_info="/login/", get_data="", post_data="",
        failures_since_start=3,
    )  # fmt: skip
    for person in Person.objects.filter(organisation=attack.org):
        url = _region(attack, "privacy:erase", pk=person.pk)
        assert attack.client.post(url, {"name": person.full_name}).status_code == 404
    member = attack.region_group.enrollments.get().person
    with attack.commit(execute=True):
        response = attack.client.post(
            _region(attack, "privacy:erase", pk=member.pk), {"name": member.full_name}
        )
    assert response.status_code == 302
    assert Person.objects.get(pk=member.pk).first_name == "Borttagen"
    assert AccessAttempt.objects.filter(pk=lockout.pk).exists()


SCENARIOS = {
    "privacy:erase": person_erase,
    "participants:person_create": person_create,
    "participants:person_edit": person_edit,
    "participants:import_confirm": import_confirm,
    "participants:import_upload": import_confirm,
    "participants:identity_provider": identity_provider,
    "programs:group_login_links": group_login_links,
    "programs:group_invitations": group_invitations,
    "programs:enrollment_reviewer": enrollment_reviewer,
    "admin:participants.user": admin_user,
    "admin:participants.person": admin_person,
    "admin:participants.consultant": admin_consultant,
    "admin:participants.membership": admin_membership,
    "admin:autocomplete": admin_autocomplete,
    "command:import_managers": import_managers_command,
}

# HR actions that touch no person's login, each with the reason.
NOT_ABOUT_LOGINS = {
    "programs:round_create": "creates a round and its groups; no person or login",
    "programs:round_pool": "chooses managers for a round's pool; places only, no login",
    "programs:round_proposal": "accepts a composition; places only, no login",
    "programs:intake_add": "gives a manager a place; no login (invitations create them)",
    "programs:group_move": "moves a place between groups; no login",
    "programs:group_schedule": "sessions and venues; no person",
    "programs:session_attendance": "attendance of places; no login",
    "programs:round_makeups": "books a place into another group's session; places only, no login",
    "programs:agreement_fields": "the agreement's questions; no person",
    "programs:program_create": "a new program of the HR coordinator's own organisation; no person",
    "programs:program_edit": "the program's name, period and group size; no person",
    "programs:module_create": "program structure; no person",
    "programs:module_edit": "program structure; no person",
    "programs:module_delete": "program structure; no person",
    "programs:module_move": "program structure; no person",
    "programs:group_process_leaders": "chooses among the organisation's own consultants "
    "(another's is refused: programs/tests/test_editing.py); no login changes",
    "evaluations:missing_setting": "an organisation setting; no person",
    "evaluations:review": "publishes free texts, which are not linked to anyone",
    "evaluations:forms": "evaluation forms; no person",
    "evaluations:form_edit": "evaluation forms; no person",
    "reports:check_in_create": "a check-in with the process leaders; texts only",
    "reports:report_create": "a status report; aggregates only",
    "reports:report_generate": "renders a status report; aggregates only",
    "admin:participants.organisation": "only a superuser creates organisations",
    "admin:retention.retentionrule": "only a superuser edits the platform's retention rules",
    "retention:rule_edit": "the organisation's own retention rule; no person",
    "retention:apply": "removes the organisation's own records under its rules, scoped to it "
    "(retention/tests/test_acceptance.py: nothing of another organisation goes); no login",
    "admin:programs.program": "program structure; no person",
    "admin:programs.module": "program structure; no person",
    "admin:programs.round": "program structure; no person",
    "admin:programs.group": "program structure; no person",
    "admin:programs.session": "sessions; a process leader is chosen, no login changes",
    "admin:programs.enrollment": "places; no login",
    "admin:programs.attendance": "attendance; no login",
    "admin:programs.agreement": "read-only for HR (agreement texts are private)",
    "admin:programs.checkin": "check-in notes; no person",
    "admin:reports.statusreport": "HR has no admin permission for reports",
    "admin:auth.group": "HR has no admin permission for permission groups",
    "admin:axes.accessattempt": "HR has no admin permission for the lockout records",
    "admin:axes.accessfailurelog": "HR has no admin permission for the lockout records",
    "admin:axes.accesslog": "HR has no admin permission for the lockout records",
    "admin:participants.department": "departments; no person",
    "admin:participants.managerimport": "a read-only log of uploads",
    "command:seed_demo": "demo data; refused in production",
    "command:seed_scale": "synthetic data for the bench; never run against real data",
    "command:fold_sealed_answers": "folds closed sessions' sealed answers; no person or login",
    "statements:privacy_edit": "the organisation's texts of its privacy notice; no person or login",
    "statements:accessibility_edit": "the organisation's accessibility contact; no person or login",
    "statements:accessibility_report_handle": "marks a report handled; no person or login",
    "designs:program_start": "starts a program from a template; no person or login",
    "designs:template_create": "saves a program's design as a template; no person or login",
    "reports:comparison_settings": "whether the organisation takes part in the comparison; no "
    "person or login",
    "privacy:extract_pdf_create": (
        "renders one person's extract, read only; the person comes through the organisation's "
        "scoped lookup (another organisation's person: 404 in the access matrix)"
    ),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_another_organisations_hr_cannot_change_our_logins(attack, name, tmp_path):
    before = _snapshot(attack.victims)
    scenario = SCENARIOS[name]
    if scenario is import_managers_command:
        scenario(attack, tmp_path)
    else:
        scenario(attack)

    assert _snapshot(attack.victims) == before
    assert {name: _can_log_in(user) for name, user in attack.victims.items()} == dict.fromkeys(
        attack.victims, True
    )


# --- The guard ----------------------------------------------------------------------------


def _hr_actions_that_post() -> set[str]:
    names = set()

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    continue
                child = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, child)
                continue
            view = getattr(entry.callback, "view_class", None)
            roles = getattr(view, "allowed_roles", frozenset()) if view else frozenset()
            if view and Role.HR in roles and hasattr(view, "post"):
                names.add(f"{namespace}{entry.name}")

    walk(get_resolver().url_patterns)
    return names


def _admin_models() -> set[str]:
    return {f"admin:{model._meta.label_lower}" for model in admin.site._registry} | {
        "admin:autocomplete"
    }


def _our_commands() -> set[str]:
    ours = {"participants", "programs", "evaluations", "reports", "core", "demo"}
    return {f"command:{name}" for name, app in get_commands().items() if app in ours}


def test_every_hr_action_is_tried():
    actions = _hr_actions_that_post() | _admin_models() | _our_commands()

    untried = sorted(actions - SCENARIOS.keys() - NOT_ABOUT_LOGINS.keys())
    stale = sorted((SCENARIOS.keys() | NOT_ABOUT_LOGINS.keys()) - actions)
    assert untried == [], f"HR actions without an adversarial scenario or a reason: {untried}"
    assert stale == [], f"Scenarios or reasons for actions that no longer exist: {stale}"
    assert not (SCENARIOS.keys() & NOT_ABOUT_LOGINS.keys())
