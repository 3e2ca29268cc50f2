"""Custom NLU components of the assistant (referenced from config.yml as components.<module>.<Class>).

Importing the package also installs the Rasa server's runtime speed-ups (speedups).
"""

from . import speedups

speedups.install()
