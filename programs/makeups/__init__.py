"""Make-up sessions (uppsamling): a participant who missed a module takes it with another group.

- ``rules``: who takes part in a session (the group's places and the guests booked into it);
- ``services``: booking and cancelling a make-up place;
- ``selectors``: per round, who lacks which module, and the sessions they could be booked into.

A booking is a ``MakeUpBooking`` (enrollment × host session). The guest's
attendance is an ordinary ``Attendance`` row at the host session: it counts in
the host session's attendance, and toward the completion of the guest's own
place (``programs.completion``), which is counted in their own group.
"""
