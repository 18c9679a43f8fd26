"""The indicator store and everything read from it. Knows nothing of Dash, the importers or the exports.

The modules directly here are plain: the standard library and each other only, never SQLAlchemy, so an export
writer or a test can import them alone (``periods``, ``numbers``, ``status``, ``vocabulary``, ``report``: the
quarterly report as data, ``reference_sheets``: the reference sheets as data). The rest lives in rooms, each
importing only the plain modules, itself and the rooms before it:

    store ← access ← figures ← protection ← programmes ← reporting ← cli

``tests/test_layers.py`` holds them to it.
"""
