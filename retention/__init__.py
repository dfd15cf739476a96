"""Retention (gallring) under the organisation's decisions (Archives Act): rules, runs, log."""
