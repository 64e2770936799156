"""TF's exception catalogue: `tf.errors` with the codes and class names users catch."""

OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND = 0, 1, 2, 3, 4, 5
ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION = 6, 7, 8, 9
ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS = 10, 11, 12, 13, 14, 15
UNAUTHENTICATED = 16


class OpError(Exception):
    """A failure while building or running an op, as `tf.errors.OpError`."""

    def __init__(self, node_def, op, message, error_code=UNKNOWN, *args):
        super().__init__(message)
        self._node_def = node_def
        self._op = op
        self._message = message
        self._error_code = error_code

    message = property(lambda self: self._message)
    op = property(lambda self: self._op)
    node_def = property(lambda self: self._node_def)
    error_code = property(lambda self: self._error_code)

    def __str__(self):
        tb = getattr(self._op, "traceback", None)
        if tb is None:
            return self._message
        from scopeflow.core.stack import format_frames
        return "%s\n\nOriginal stack trace for %r:\n%s" % (
            self._message, getattr(self._op, "name", ""), "".join(format_frames(tb)))

    def __reduce__(self):
        return type(self), (self._node_def, self._op, self._message)


def _make(name, code, doc):
    def __init__(self, node_def, op, message, *args):
        OpError.__init__(self, node_def, op, message, code)

    return type(name, (OpError,), {"__init__": __init__, "__doc__": doc,
                                   "__module__": __name__})


CancelledError = _make("CancelledError", CANCELLED, "An operation was cancelled.")
UnknownError = _make("UnknownError", UNKNOWN, "Unknown error.")
InvalidArgumentError = _make("InvalidArgumentError", INVALID_ARGUMENT,
                             "An operation received an invalid argument.")
DeadlineExceededError = _make("DeadlineExceededError", DEADLINE_EXCEEDED, "A deadline expired.")
NotFoundError = _make("NotFoundError", NOT_FOUND, "A requested entity was not found.")
AlreadyExistsError = _make("AlreadyExistsError", ALREADY_EXISTS, "An entity already exists.")
PermissionDeniedError = _make("PermissionDeniedError", PERMISSION_DENIED,
                              "The caller lacks permission.")
UnauthenticatedError = _make("UnauthenticatedError", UNAUTHENTICATED,
                             "No valid authentication credentials.")
ResourceExhaustedError = _make("ResourceExhaustedError", RESOURCE_EXHAUSTED,
                               "Some resource has been exhausted.")
FailedPreconditionError = _make("FailedPreconditionError", FAILED_PRECONDITION,
                                "The system is not in a state to execute an operation.")
AbortedError = _make("AbortedError", ABORTED, "The operation was aborted.")
OutOfRangeError = _make("OutOfRangeError", OUT_OF_RANGE,
                        "An operation iterated past the valid input range.")
UnimplementedError = _make("UnimplementedError", UNIMPLEMENTED,
                           "The operation is not implemented.")
InternalError = _make("InternalError", INTERNAL, "An internal invariant was broken.")
UnavailableError = _make("UnavailableError", UNAVAILABLE, "The runtime is unavailable.")
DataLossError = _make("DataLossError", DATA_LOSS, "Unrecoverable data loss or corruption.")

_CODE_TO_CLASS = {c: k for k, c in [
    (CancelledError, CANCELLED), (UnknownError, UNKNOWN), (InvalidArgumentError, INVALID_ARGUMENT),
    (DeadlineExceededError, DEADLINE_EXCEEDED), (NotFoundError, NOT_FOUND),
    (AlreadyExistsError, ALREADY_EXISTS), (PermissionDeniedError, PERMISSION_DENIED),
    (ResourceExhaustedError, RESOURCE_EXHAUSTED), (FailedPreconditionError, FAILED_PRECONDITION),
    (AbortedError, ABORTED), (OutOfRangeError, OUT_OF_RANGE), (UnimplementedError, UNIMPLEMENTED),
    (InternalError, INTERNAL), (UnavailableError, UNAVAILABLE), (DataLossError, DATA_LOSS),
    (UnauthenticatedError, UNAUTHENTICATED)]}


def exception_type_from_error_code(error_code):
    return _CODE_TO_CLASS[error_code]


def error_code_from_exception_type(cls):
    for code, k in _CODE_TO_CLASS.items():
        if k is cls:
            return code
    return UNKNOWN


class raise_exception_on_not_ok_status:  # noqa: N801 - TF's name
    """Accepted for old code; statuses do not exist here."""

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False
