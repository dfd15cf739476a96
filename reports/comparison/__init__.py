"""Comparison between organisations (issue 18): an organisation's module means and response
rates beside the distribution over every organisation that takes part.

- ``models``: ``ComparisonOptIn``, the organisation's choice (off by default);
- ``rules``: when the distribution shows (five organisations) and in what safe form;
- ``contributions``: the evaluations' figures for every program at once (13 queries);
- ``selectors``, ``services``, ``forms``, ``views``: as in every app.
"""
