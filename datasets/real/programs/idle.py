# An idle CPython process for memory datasets: the interpreter started, the standard modules a
# small service imports loaded, then asleep (datasets/real/README.md).
import json, os, socket, sys, threading, time  # noqa: F401  (loaded for their memory, as a service would)

time.sleep(1e9)
