"""Where ops were defined: Operation.traceback as TF gives it (most recent call last)."""

import weakref

from scopeflow.core import stack


def _make(tf):
    return tf.constant(1.0, name="c")  # line recorded


def test_traceback_ends_in_the_defining_call(tf):
    c = _make(tf)
    frames = c.op.traceback
    user = [f for f in frames if stack.is_user_frame(f)]
    assert (user[-1].filename, user[-1].lineno, user[-1].name) == (
        __file__, _make.__code__.co_firstlineno + 1, "_make")
    assert user[-2].name == "test_traceback_ends_in_the_defining_call"
    filename, lineno, name, line = user[-1]  # FrameSummary unpacks as TF's frames do
    assert line == "" and name == "_make"


def test_ops_built_at_one_place_share_one_record(tf):
    ops = [tf.constant(float(i)).op for i in range(3)]
    assert ops[0]._tb is ops[1]._tb is ops[2]._tb
    assert len({id(op._tb) for op in (ops[0], tf.constant(0.0).op)}) == 2


def test_capture_holds_no_frames():
    class Big:
        pass

    def f():
        local = Big()
        return stack.capture(), weakref.ref(local)

    tb, ref = f()
    assert ref() is None  # the record keeps no frame, so none of its locals
    assert [fr.name for fr in stack.frames(tb)][-1] == "f"
    assert stack.format_frames(stack.frames(tb))[-1].endswith(", in f\n")
