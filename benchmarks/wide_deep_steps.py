"""Per-step CPU time and XLA compiles of examples/wide_deep.py's training, under scopeflow or TF.

    SCOPEFLOW_COMPILE_CACHE=0 python -m scopeflow run benchmarks/wide_deep_steps.py 10 /tmp/wd
    python tests/estimator/canned/tf_run_program.py benchmarks/wide_deep_steps.py 10 /tmp/wd

Trains the example's DNNLinearCombinedClassifier for `steps` steps with a hook that records
each step's process CPU seconds (Session.run of the train op) and, under scopeflow, the XLA
compiles it made (lowering/cache.py `stats`). Prints one JSON line. The first step also
writes summaries (another fetch set), so the first two steps compile; a step after them
compiling again means values of the batch entered the compiled signature (strings, sizes).
"""

import json
import os
import shutil
import sys
import time

import tensorflow.compat.v1 as tf

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "examples"))
import wide_deep as wd  # noqa: E402

try:
    from scopeflow.lowering import cache
except ImportError:  # under TF
    cache = None


class StepHook(tf.train.SessionRunHook):
    def __init__(self):
        self.rows = []

    def before_run(self, run_context):
        self.t = time.process_time()
        self.c = cache.stats["compiles"] if cache else 0

    def after_run(self, run_context, run_values):
        self.rows.append((round(time.process_time() - self.t, 3),
                          cache.stats["compiles"] - self.c if cache else None))


def main(steps, out):
    shutil.rmtree(out, ignore_errors=True)
    x, y = wd.make_data(2000, 0)
    wide, deep = wd.build_columns()
    est = tf.estimator.DNNLinearCombinedClassifier(
        model_dir=os.path.join(out, "model"), linear_feature_columns=wide,
        dnn_feature_columns=deep, dnn_hidden_units=[32, 16], label_vocabulary=["<=50K", ">50K"],
        config=tf.estimator.RunConfig(tf_random_seed=42, save_summary_steps=50,
                                      log_step_count_steps=1000))
    hook = StepHook()
    t = time.process_time()
    est.train(tf.estimator.inputs.numpy_input_fn(x, y, batch_size=64, num_epochs=None,
                                                 shuffle=False), steps=steps, hooks=[hook])
    return {"total_cpu": round(time.process_time() - t, 2), "steps": hook.rows}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), sys.argv[2])))
