"""Nothing of this app is in the Django admin, on purpose.

Forms, versions and themes are edited on HR's own pages, which keep the
version rule (a form with answers gets a new version) and the organisation
scope. Answer rows and completions are never browsed row by row.
"""
