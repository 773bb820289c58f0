"""The one exception services raise for a request they refuse; its message is for the user."""


class ServiceError(Exception):
    """A request a service cannot carry out (out of scope, inconsistent, not allowed now).
    Views show the message on the form; nothing has been written."""
