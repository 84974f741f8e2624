"""Grant pots and applications (see issue: grants)."""
