"""A process leader who works for several organisations: their sessions across all of them.

- ``selectors``: the consultant's sessions (the month, the next ones, those with attendance
  to register), and the calendar feed a token opens;
- ``services``: creating and revoking the personal calendar feed;
- ``feed``: the feed's calendar file (``programs.calendar`` per session);
- ``views``, ``urls``: ``/mina-uppdrag/``, ``/mina-uppdrag/kalender/`` and
  ``/kalender/<token>.ics``.

The rules, in one place each:

- Whose session it is: a session of an organisation the consultant works for
  (``Consultant.organisations``), which they lead as its process leader or as one of its
  group's process leaders: the rule of each organisation's own pages
  (``programs.scheduling.sessions_visible_to``), over every organisation at once. A session
  of an organisation they no longer work for is left out, as that organisation's pages no
  longer open for them either.
- The page shows the organisations whose pages this sign-in opens
  (``participants.signin``); the feed, opened by its token alone, holds every one.
- The feed's token is the credential: only its sha256 is stored, the token is shown once,
  and a revoked or unknown token answers 404. One live feed per login.
- Another organisation's session is shown to its consultant only: nothing here is read for
  anyone but the consultant of the login (or of the feed's login).
"""
