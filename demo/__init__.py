"""Demo data: Örebro kommun's SVC 2015–2017, a live program dated from today, and a small
second organisation.

Idempotent: every row has a natural key (slug, employee number, round and group
number, module order, e-mail, date). A run compares the planned rows with the
stored ones and writes only what differs, so a second run writes nothing.
Names come from Faker ``sv_SE`` with a fixed seed, so every run plans the same
people.

- ``specs``: what the demo is made of (logins, modules, consultants, check-ins);
- ``plans``: the program's shape planned in memory (shared with ``demo.scale``,
  which builds the same shape at national scale);
- ``writer``: bringing the stored rows to the plan;
- ``seed``: ``seed_demo``, its figures and the demo logins;
- ``agreements``, ``evaluations``, ``reports``: the demo's data of those apps;
- ``live``: Chefsjobbet, Örebro's second program, dated from the day it is seeded, so
  that every demo login has something to do today;
- ``today``: what each demo login can do today, read from the data (``seed_demo`` prints it);
- ``scale``: the same shape at national scale (``seed_scale``, ``make bench``);
- ``candidates``: a synthetic pool for the composition's tests and bench.

This layer sits at the top beside ``svc``: it imports every app, and nothing imports
it but tests and scripts. It is an installed app only with ``DEMO_MODE``.
"""
