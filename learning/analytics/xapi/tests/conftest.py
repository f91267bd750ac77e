from .flaky_proxy import flaky_lrs  # noqa: F401 (fixture)
from .ralph_server import lrs, ralph  # noqa: F401 (fixtures)
