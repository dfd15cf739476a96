"""Spreadsheet exports of groups and rounds. Each returns bytes; views only send them.

Cells go through ``core.xlsx``, which neutralises text that Excel would run as
a formula (names or venues starting with = + - @).
"""

from django.utils.translation import gettext as _

from core.xlsx import workbook_bytes

from .departments import DepartmentTree, department_tree
from .models import Attendance, Enrollment, Group, Module, Round
from .people import forvaltning_and_unit

# Present wins when a member attended a module twice (e.g. with another group).
_STATUS_RANK = {Attendance.Status.PRESENT: 3, Attendance.Status.EXCUSED: 2}


def _members(**filters) -> list[Enrollment]:
    return list(
        Enrollment.objects.holding_place()
        .filter(**filters)
        .select_related("person__department", "person__line_manager", "group")
        .order_by("group__number", "person__last_name", "person__first_name", "pk")
    )


def _attendance(members: list[Enrollment], program_id: int) -> dict[tuple[int, int], str]:
    """(enrollment id, module id) → the best recorded status."""
    best: dict[tuple[int, int], str] = {}
    for enrollment_id, module_id, status in Attendance.objects.filter(
        enrollment__in=[m.pk for m in members], session__module__program_id=program_id
    ).values_list("enrollment_id", "session__module_id", "status"):
        key = (enrollment_id, module_id)
        if _STATUS_RANK.get(status, 1) > _STATUS_RANK.get(best.get(key), 0):
            best[key] = status
    return best


def _member_sheet(members: list[Enrollment], *, with_group: bool, tree: DepartmentTree):
    """The members, their förvaltning (not the unit: ``DepartmentTree.top_name``) and more."""
    headers = [
        _("Employee number"), _("First name"), _("Last name"), _("E-mail address"),
        _("Department"), _("Managerial level"), _("Line manager"), _("Status"),
    ]  # fmt: skip
    rows = []
    for m in members:
        p = m.person
        row = [
            p.employee_number, p.first_name, p.last_name, p.email,
            tree.top_name(p.department_id) or "",
            p.get_level_display(), p.line_manager.full_name if p.line_manager else "",
            m.get_status_display(),
        ]  # fmt: skip
        rows.append([str(m.group), *row] if with_group else row)
    return ([_("Development group"), *headers] if with_group else headers), rows


def _attendance_sheet(members: list[Enrollment], modules: list[Module], *, with_group: bool):
    labels = dict(Attendance.Status.choices)
    recorded = _attendance(members, modules[0].program_id) if modules else {}
    headers = [
        _("Employee number"),
        _("Name"),
        *(str(module) for module in modules),
        _("Modules attended"),
        _("Completed"),
    ]
    rows = []
    for m in members:
        statuses = [recorded.get((m.pk, module.pk)) for module in modules]
        row = [
            m.person.employee_number,
            m.person.full_name,
            *(str(labels[s]) if s else "" for s in statuses),
            sum(1 for s in statuses if s == Attendance.Status.PRESENT),
            _("Yes") if m.status == Enrollment.Status.COMPLETED else _("No"),
        ]
        rows.append([str(m.group), *row] if with_group else row)
    return ([_("Development group"), *headers] if with_group else headers), rows


def group_list_xlsx(*, group: Group) -> bytes:
    """A group's members (sheet one) and their attendance per module (sheet two)."""
    members = _members(group=group)
    modules = list(Module.objects.filter(program_id=group.round.program_id).order_by("order"))
    tree = department_tree(organisation=group.round.program.organisation_id)
    member_headers, member_rows = _member_sheet(members, with_group=False, tree=tree)
    attendance_headers, attendance_rows = _attendance_sheet(members, modules, with_group=False)
    return workbook_bytes(
        [
            (_("Participants"), member_headers, member_rows),
            (_("Attendance"), attendance_headers, attendance_rows),
        ]
    )


def round_xlsx(*, round_: Round) -> bytes:
    """Every group of a round: the group lists, and attendance per member and module."""
    members = _members(group__round=round_)
    modules = list(Module.objects.filter(program_id=round_.program_id).order_by("order"))
    tree = department_tree(organisation=round_.program.organisation_id)
    member_headers, member_rows = _member_sheet(members, with_group=True, tree=tree)
    attendance_headers, attendance_rows = _attendance_sheet(members, modules, with_group=True)
    return workbook_bytes(
        [
            (_("Group lists"), member_headers, member_rows),
            (_("Attendance"), attendance_headers, attendance_rows),
        ]
    )


def registry_xlsx(*, people, organisation) -> bytes:
    """The manager registry as shown (filters applied), one row per manager, with the
    förvaltning and, for a unit below it, the unit (as the import file has them)."""
    tree = department_tree(organisation=organisation)
    headers = [
        _("Employee number"), _("First name"), _("Last name"), _("E-mail address"),
        _("Department"), _("Unit"), _("Managerial level"), _("Line manager (employee number)"),
        _("Manager since"), _("Active"), _("In the program"),
    ]  # fmt: skip

    def row(p):
        top, unit = forvaltning_and_unit(tree, p)
        return [
            p.employee_number, p.first_name, p.last_name, p.email, top or "", unit,
            p.get_level_display(), p.line_manager.employee_number if p.line_manager else "",
            p.manager_since, _("Yes") if p.active else _("No"),
            _("Yes") if p.is_enrolled else _("No"),
        ]  # fmt: skip

    rows = (row(p) for p in people.iterator(chunk_size=2000))
    return workbook_bytes([(_("Managers"), headers, rows)])
