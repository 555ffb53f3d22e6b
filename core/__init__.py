"""What every app shares, without models: the domain error, form helpers, the upload-table reader,
the export writer, optimistic locking and the guard for signed records.

`core` sits just above the pure `rules` module and below every Django app (see README, "Layers"):
it imports only Django, the standard library and `rules`.
"""
