"""Spreadsheet exports of people data. Each returns bytes; views only send them."""

from django.utils.translation import gettext as _

from core.xlsx import workbook_bytes


def registry_xlsx(*, people) -> bytes:
    """The manager registry as shown (filters applied), one row per manager."""
    headers = [
        _("Employee number"), _("First name"), _("Last name"), _("E-mail address"),
        _("Department"), _("Managerial level"), _("Line manager (employee number)"),
        _("Manager since"), _("Active"), _("In the program"),
    ]  # fmt: skip
    rows = (
        [
            p.employee_number, p.first_name, p.last_name, p.email, str(p.department or ""),
            p.get_level_display(), p.line_manager.employee_number if p.line_manager else "",
            p.manager_since, _("Yes") if p.active else _("No"),
            _("Yes") if p.is_enrolled else _("No"),
        ]
        for p in people.iterator(chunk_size=2000)
    )  # fmt: skip
    return workbook_bytes([(_("Managers"), headers, rows)])
