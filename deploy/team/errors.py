"""The one exception the team server raises: its message is one sentence for the terminal."""


class TeamError(Exception):
    """Something the person starting the team server must fix; str() says what and how."""
