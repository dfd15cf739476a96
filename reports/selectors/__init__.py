"""Reads for check-ins, the "program in figures" dashboard and status reports.

Every function takes the organisation or the program the page belongs to,
so another organisation's object is a 404. One module per concern:

- ``follow_up``: programs, check-ins and their corrections, status reports,
  and the steering group that is told when a report is ready.
- ``program_in_figures``: the counts and rates, live on the dashboard (cached
  for a minute) or frozen into a status report's snapshot.
- ``evaluation_results``: the evaluations app's results (k rule applied there)
  as the snapshot's plain data.

Everything is re-exported here, so callers write ``selectors.program_figures``.
"""

from .evaluation_results import evaluation_figures
from .follow_up import (
    CORRECTIONS_IN_REPORT,
    check_in_or_404,
    check_ins_for_program,
    consultants_of,
    corrections_for_period,
    corrections_since_last_report,
    latest_check_in,
    latest_report,
    modules_of,
    next_report_period,
    previous_check_in,
    program_or_404,
    programs_for_follow_up,
    status_report_or_404,
    status_reports_for_program,
    steering_group_users,
)
from .program_in_figures import (
    LIVE_FIGURES_SECONDS,
    SNAPSHOT_VERSION,
    live_figures,
    live_figures_key,
    program_figures,
    report_snapshot,
)

__all__ = [
    "CORRECTIONS_IN_REPORT",
    "LIVE_FIGURES_SECONDS",
    "SNAPSHOT_VERSION",
    "check_in_or_404",
    "check_ins_for_program",
    "consultants_of",
    "corrections_for_period",
    "corrections_since_last_report",
    "evaluation_figures",
    "latest_check_in",
    "latest_report",
    "live_figures",
    "live_figures_key",
    "modules_of",
    "next_report_period",
    "previous_check_in",
    "program_figures",
    "program_or_404",
    "programs_for_follow_up",
    "report_snapshot",
    "status_report_or_404",
    "status_reports_for_program",
    "steering_group_users",
]
