"""Running the app for more than one person: scripts that start servers (see docs/deploy.md)."""
