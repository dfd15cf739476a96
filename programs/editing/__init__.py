"""HR edits the program itself, in the app: the program (name, texts, period, group size
bounds), its modules (add, change, reorder, delete) and a group's process leaders.

``rules`` holds what a running program's edits must respect, ``services`` the writes and
``selectors`` the reads, with the history of each change.
"""
