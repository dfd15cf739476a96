"""Sessions, invitations, reminders, attendance and completion.

Writes live in ``services``, reads in ``selectors``, one module per topic;
this package names the public functions of both.

Rules (each with one Swedish message):
- a group's sessions follow the module order, and a module starts only after the
  previous one has ended;
- a process leader is never booked on two sessions at overlapping times, in any
  organisation they work for (another organisation's booking is named only by its time:
  ``programs.services.double_booking_error``);
- present or absent can be registered from the session's first day; excused
  (anmäld frånvaro) also before;
- an enrollment is completed when every module of its program was attended (present),
  in its own group or at a make-up session: the rule is ``programs.completion``;
- a group's invitations count as sent while a request for them has not failed
  (``invitations_asked_for``): a new request then needs "send again".

E-mail goes through the outbox (``core.outbox``), whose task rows are the
delivery; what was asked for is kept in this app. A request to send a group's
invitations is an ``InvitationRequest`` with its task
(``programs.send_group_invitations``), whose result lists the members already
mailed, so a re-delivered task mails nobody twice. A reminder is a
``SessionReminder`` per member and session, with its task
(``programs.send_session_reminder``); an existing one means the reminder has
been taken care of.

Reads are scoped to one organisation and, for a process leader, to the groups
they lead (as one of the group's process leaders or as a session's process leader).
"""

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
from .selectors.attendance import (  # noqa: F401
    AttendanceRow,
    GroupProgress,
    Rates,
    RoundProgress,
    SessionRates,
    attendance_rows,
    group_progress,
    program_progress,
)
from .selectors.invitations import (  # noqa: F401
    InvitationOverview,
    MemberContact,
    SendRequest,
    invitation_overview,
    invitation_requests,
    invitation_state_label,
    invitations_asked_for,
    line_managers_without_login,
)
from .selectors.overview import (  # noqa: F401
    ProcessLeaderOverview,
    awaiting_attendance,
    month_bounds,
    month_sessions,
    nearest_session_months,
    process_leader_overview,
)
from .selectors.plans import SessionPlan, schedule_plans  # noqa: F401
from .selectors.visibility import (  # noqa: F401
    group_sessions,
    group_visible_or_404,
    groups_visible_to,
    participant_sessions,
    process_leaders_for,
    session_visible_or_404,
    sessions_in,
    sessions_visible_to,
)
from .services.attendance import (  # noqa: F401
    AttendanceResult,
    attendance_field,
    attendance_opens_on,
    attendance_register,
    enrollments_completion_update,
)
from .services.invitations import (  # noqa: F401
    InvitationsResult,
    LoginLinksResult,
    group_login_links_send,
    invitation_message,
    invitations_deliver,
    invitations_send,
)
from .services.plans import (  # noqa: F401
    PLAN_FIELDS,
    ScheduleResult,
    group_schedule_save,
    plan_field,
)
from .services.reminders import reminder_deliver, reminders_queue  # noqa: F401
