"""The HR coordinator's round pages: create a round, choose its pool, compose and accept
groups, take in new managers, and move a participant between groups.

The proposal lives in the user's session between requests, keyed by round: a list of
groups of person ids (a few kB at 2,000 people), whether the first group is the set kept
together, and that group's name. Why the session and not signed hidden form data: the
coordinator's moves are saved on every move (with or without JavaScript), so a reload,
a look at another page or a validation error loses nothing, and the move form posts only
the ticked people, not the whole partition. Every read checks the ids again against the
database (scoped to the organisation), and acceptance re-checks them under a lock, so the
session holds no authority. Its limits: it ends with the login session (30 minutes idle)
and is per browser; composing again is deterministic and takes milliseconds.
"""

from .people import GroupMoveView, IntakeAddView, IntakeView
from .pool import ProposalStore, RoundCreateView, RoundPoolView
from .proposal import RoundProposalView

__all__ = [
    "GroupMoveView",
    "IntakeAddView",
    "IntakeView",
    "ProposalStore",
    "RoundCreateView",
    "RoundPoolView",
    "RoundProposalView",
]
