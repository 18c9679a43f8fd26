"""What leaves about victims: everything a channel may publish (``publication``), the auditor and its cell
suppression (``suppression``) and the one policy every outward channel applies (``disclosure``, DOMAIN §4).

Imports figures, access, the store and the plain modules.
"""
