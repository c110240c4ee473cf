"""Logging filters referenced from ``settings.LOGGING``."""

import logging


class OneLineWarning(logging.Filter):
    """Log the record as a one-line WARNING: no traceback, not an ERROR.

    For noise from the outside world (a scanner's bad Host header) that needs noting but
    no one to act on, and should not wake whoever reads ERRORs.
    """

    def filter(self, record):
        record.levelno = logging.WARNING
        record.levelname = logging.getLevelName(logging.WARNING)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
