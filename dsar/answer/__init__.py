"""The footage answer to an access request, one module per part of the work: the search
that proposes clips (`search`), adjusting them and finding people in them (`clips`), the
jobs that run in the worker (`tasks`), and the later steps (review, package, delivery).

Every module follows `dsar.services`: keyword-only arguments with `actor` first, one
transaction per change, a timeline entry and an access-log entry for every step.
"""
