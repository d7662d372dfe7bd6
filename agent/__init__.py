"""wan-22: the WAN 2.2 video skill runtime.

Importing this package does nothing: every turn is a fresh process, so modules load lazily.
"""
