"""No network, ever: the embedding model comes from a Python package, and neither
Hugging Face's hub client nor Haystack's telemetry may call out. Called before either
library is imported (the app's ready() and the embedding module)."""

import os


def force_offline() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ["HAYSTACK_TELEMETRY_ENABLED"] = "False"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # No download bars or chatter from the model loader in logs and terminals.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
