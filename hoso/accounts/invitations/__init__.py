"""Phiếu mời phụ huynh: the homeroom teacher (their class's guardians) or the clerk, the
administrator, the leaders (any guardian) print a slip with a one-time code; the parent types it,
chooses a password and is signed in — or, already holding an account (a child in another class or
school), signs in and links it. The same slip, for a parent who forgot the password, lets them
choose a new one: the teacher never sees or sets it."""
