"""CLI subcommands, one module per area; each exposes add_parser(subparsers) and run(args,
services) (the workspace's Services, built by repdesk.app)."""
