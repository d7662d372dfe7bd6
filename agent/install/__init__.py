"""Putting the skill where each host finds it, and checking that it works (`wan22 doctor`)."""
