"""Who may do what, and what they did: accounts and their passwords, sessions, sign-in throttling, two-step
sign-in, API tokens, the audit trail, the demo accounts and the pseudonym key every case is stored under.

Imports the store (``indicators.store``) and the plain modules only.
"""
