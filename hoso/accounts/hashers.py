"""The password hasher: Argon2id with the parameters decided in docs/adr/0010-login-argon2-parameters.md.

Same algorithm name as Django's ``Argon2PasswordHasher`` ("argon2"), so every stored hash — made
with Django's heavier defaults (m = 100 MiB, t = 2, p = 8) or with these — verifies (argon2
reads the parameters from the hash), and a hash with other parameters is re-made with these at
the next successful login (Django's ``must_update``).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class HosoArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, m = 46 MiB, t = 1, p = 1 (one of OWASP's listed equivalent settings)."""

    time_cost = 1
    memory_cost = 47104  # KiB
    parallelism = 1
