"""Programmes as defined: the definition files and their loading (``definitions``), editing a logframe in the
browser (``logframe``) with each indicator's change log (``history``), the reference-sheet and IATI facts a
file may give (``reference_sheet``, ``publishing``) and the service providers a case may be referred to.

Imports protection, figures, access, the store and the plain modules.
"""
