from .ralph_server import lrs, ralph  # noqa: F401 (fixtures)
