"""Sổ liên lạc điện tử: what the school tells parents about their child and what parents answer.

Rooms (subpackages, each with its own models/actions/selectors/policies/views/urls/tests):
- ``child/``: the child's page — results as the school publishes them, comments, term and year
  results in plain words, attendance day by day, the issued transcript, upcoming dates.
- ``messages/``: the homeroom teacher's weekly news, notices to a class, a grade or the school,
  one-to-one messages between a parent and the child's teachers, read receipts, meetings.

Delivery goes through ``hoso.notifications`` (the outbox and its channels); consent and the
parent's rights over the child's data live in ``hoso.privacy``.
"""
