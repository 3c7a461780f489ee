"""The workspace as a whole: the open workspace and its services, the demo, backup copies."""
