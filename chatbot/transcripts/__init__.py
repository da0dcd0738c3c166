"""The transcripts layer: recorded consultations as regression tests. Replay (in parallel
processes too), compare line by line, diff, update on purpose (never blessing a consultation
that broke: guard), and coverage of the rules.

The file format itself (parse, write) lives in consultation.record, since sessions are kept in
it. Replaying needs the plain-mode text of a consultation, which only the ui layer renders:
callers pass that renderer in (a `Player`), so this layer never imports ui or cli.
"""
