"""Reference solutions to the *Implement* exercises, for teachers.

``basics`` answers the exercises of chapters 1–5 and ``practice`` those of chapters 6–9. Each
function has the name and signature of the stub in the exercise notebook; the test suite
checks that each one passes its checker in :mod:`initlab.checks`. The book shows these
functions only inside the ``{solution}`` boxes (via ``literalinclude``), which the student
edition of the site removes.
"""
