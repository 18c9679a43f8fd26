"""The figures: measures (what an indicator counts and how), per-quarter sums kept in the store
(``aggregates``, ``sums``, ``entered``), the one figures function (``figures``), the dashboard's reads beside it
(``queries``), data quality and the victims profile with their kept check results, figures per district
(``places``, ``geography``), cases that may be one person (``duplicates``) and the sign-off that closes a
quarter's figures (``signoff``: everything that writes records asks it first).

Imports the store, access (the audit trail) and the plain modules.
"""
