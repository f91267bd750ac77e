"""The code sandbox: a pool of hardened worker processes, one fresh V8 isolate per run.

Layout: protocol.py (the wire format, shared), pool.py (the parent side: processes,
deadlines, recycling), worker.py + hardening.py + runners/ (the child side: V8 lives
only there), backends.py (in-process pool or the sandbox service), server.py (the
service). Importing this package loads neither Django nor V8.
"""
