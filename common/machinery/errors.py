"""The one exception a user's mistake raises."""


class UsageError(Exception):
    """Bad input from the user (a missing file, a misspelled column, a bad flag value). The
    message says what is wrong and how to fix it; `cli.user_errors` turns it into an
    argparse-style `error:` line and exit status 2."""
