"""The core's subcommands: every module here has ``register(subparsers)`` and is found by name."""
