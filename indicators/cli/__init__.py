"""The store's commands for ``ctmonitor`` (``app.build_parser`` composes them with the importer's): ``store``
(init, programmes, narrative, signoff), ``users``, ``export``, ``versions`` (reopen, changes, --as-sent),
``sections``, ``backup``, ``cases``, ``providers`` and ``tokens``.

May import every room of ``indicators`` (never the importers, exports or dashboard: ``app`` hands them in).
"""
