"""civtrack: track the indicators of public work plans in YAML files kept in git."""

__version__ = "0.1.0"
