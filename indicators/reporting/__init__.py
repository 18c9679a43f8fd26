"""The reports built from the store: the quarterly report as data, once for every format (``reporting``), its
annex, the quarterly progress report's sections and drafting, deviation narratives, the reference sheets
(``pirs``), the versions kept at sign-off and what changed since one was sent (``versions``, ``changes``).

Imports every room but the command line, and the plain modules.
"""
