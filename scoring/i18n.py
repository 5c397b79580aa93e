"""Marks domain strings for translation without importing any translation machinery.

The domain stays pure: it returns msgids with ``%(name)s`` parameters and the caller (chat, CLI)
translates them in the person's language. ``pybabel extract -k N_`` finds these strings.
"""


def N_(message: str) -> str:
    return message
