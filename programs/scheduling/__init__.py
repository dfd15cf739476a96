"""Sessions, invitations, reminders, attendance and completion: the writes and the reads they need.

Rules (each with one Swedish message):
- a group's sessions follow the module order, and a module starts only after the
  previous one has ended;
- a process leader is never booked on two sessions at overlapping times, in any
  organisation (another organisation's booking is named without details);
- present or absent can be registered from the session's first day; excused
  (anmäld frånvaro) also before;
- an enrollment is completed when every module of its program was attended (present).

E-mail goes through the outbox (``core.outbox``): the ``OutboxTask`` rows are the
record of what was asked for and what went out. A group's invitation request is
one row (``programs.send_group_invitations``) whose result lists the members
already mailed, so a re-delivered task mails nobody twice. A reminder is one row
per member and session (``programs.send_session_reminder``); an existing row
means the reminder has been taken care of.

Reads are scoped to one organisation and, for a process leader, to the groups
they lead (as one of the group's process leaders or as a session's process leader).
"""

from .access import (  # noqa: F401
    group_sessions,
    group_visible_or_404,
    groups_visible_to,
    participant_sessions,
    process_leaders_for,
    session_visible_or_404,
    sessions_in,
    sessions_visible_to,
)
from .attendance import (  # noqa: F401
    AttendanceResult,
    AttendanceRow,
    GroupProgress,
    Rates,
    RoundProgress,
    SessionRates,
    attendance_field,
    attendance_opens_on,
    attendance_register,
    attendance_rows,
    enrollments_completion_update,
    group_progress,
    program_progress,
)
from .common import (  # noqa: F401
    IN_FLIGHT,
    LOGIN_LINK_GRACE,
    SEND_INVITATIONS,
    SEND_LOGIN_LINK,
    SEND_REMINDER,
    place_holders,
    reminder_days,
    when_text,
)
from .invitations import (  # noqa: F401
    InvitationOverview,
    InvitationRequest,
    LoginLinksResult,
    MemberContact,
    SendRequest,
    group_login_links_send,
    invitation_message,
    invitation_overview,
    invitation_requests,
    invitation_state_label,
    invitations_deliver,
    invitations_send,
)
from .overview import (  # noqa: F401
    ProcessLeaderOverview,
    month_bounds,
    month_sessions,
    nearest_session_months,
    process_leader_overview,
)
from .plans import (  # noqa: F401
    PLAN_FIELDS,
    ScheduleResult,
    SessionPlan,
    group_schedule_save,
    plan_field,
    schedule_plans,
)
from .reminders import reminder_deliver, reminders_queue  # noqa: F401
