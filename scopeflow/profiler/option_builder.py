"""`tf.profiler.ProfileOptionBuilder`: the option dicts `tf.profiler.profile` takes.

The static builders give TF's three canned dicts; an instance starts from TF's defaults (or
a copy of a given dict) and its setters change one group of keys and return the builder, so
calls chain: `ProfileOptionBuilder(opts).with_max_depth(3).select(["params"]).build()`.
"""

import copy

TRAINABLE_VARIABLES = "_trainable_variables"


def _base(**changes):
    opts = {"max_depth": 10000, "min_bytes": 0, "min_micros": 0, "min_params": 0,
            "min_float_ops": 0, "min_occurrence": 0, "order_by": "name",
            "account_type_regexes": [".*"], "start_name_regexes": [".*"],
            "trim_name_regexes": [], "show_name_regexes": [".*"], "hide_name_regexes": [],
            "account_displayed_op_only": True, "select": ["micros"], "step": -1,
            "output": "stdout"}
    opts.update(changes)
    return opts


class ProfileOptionBuilder(object):
    """Builds the options dict of `tf.profiler.profile` / `Profiler.profile_*`."""

    def __init__(self, options=None):
        if options is not None:
            self._options = copy.deepcopy(options)
        else:
            self._options = _base(max_depth=100, account_displayed_op_only=False)

    @staticmethod
    def trainable_variables_parameter():
        """Counts the parameters of trainable variables, by scope."""
        return _base(account_type_regexes=[TRAINABLE_VARIABLES], select=["params"])

    @staticmethod
    def float_operation():
        """Counts the float operations of ops with registered flops statistics."""
        return _base(min_float_ops=1, order_by="float_ops", select=["float_ops"])

    @staticmethod
    def time_and_memory(min_micros=1, min_bytes=1, min_accelerator_micros=0,
                        min_cpu_micros=0, min_peak_bytes=0, min_residual_bytes=0,
                        min_output_bytes=0):
        """Time and memory of ops (needs run metadata; without it all are 0)."""
        opts = _base(order_by="micros", select=["micros", "bytes"])
        keys = list(opts)
        opts.update(min_bytes=min_bytes, min_peak_bytes=min_peak_bytes,
                    min_residual_bytes=min_residual_bytes, min_output_bytes=min_output_bytes,
                    min_micros=min_micros, min_accelerator_micros=min_accelerator_micros,
                    min_cpu_micros=min_cpu_micros)
        # TF's key order: the memory and time thresholds follow max_depth
        order = (["max_depth", "min_bytes", "min_peak_bytes", "min_residual_bytes",
                  "min_output_bytes", "min_micros", "min_accelerator_micros",
                  "min_cpu_micros"] + [k for k in keys if k not in ("max_depth", "min_bytes",
                                                                     "min_micros")])
        return {k: opts[k] for k in order}

    def build(self):
        """A copy of the options dict."""
        return copy.deepcopy(self._options)

    def _set(self, **changes):
        self._options.update(changes)
        return self

    def with_max_depth(self, max_depth):
        return self._set(max_depth=max_depth)

    def with_min_memory(self, min_bytes=0, min_peak_bytes=0, min_residual_bytes=0,
                        min_output_bytes=0):
        return self._set(min_bytes=min_bytes, min_peak_bytes=min_peak_bytes,
                         min_residual_bytes=min_residual_bytes,
                         min_output_bytes=min_output_bytes)

    def with_min_execution_time(self, min_micros=0, min_accelerator_micros=0,
                                min_cpu_micros=0):
        return self._set(min_micros=min_micros, min_accelerator_micros=min_accelerator_micros,
                         min_cpu_micros=min_cpu_micros)

    def with_min_parameters(self, min_params):
        return self._set(min_params=min_params)

    def with_min_occurrence(self, min_occurrence):
        return self._set(min_occurrence=min_occurrence)

    def with_min_float_operations(self, min_float_ops):
        return self._set(min_float_ops=min_float_ops)

    def with_accounted_types(self, account_type_regexes):
        return self._set(account_type_regexes=copy.copy(account_type_regexes))

    def with_node_names(self, start_name_regexes=None, show_name_regexes=None,
                        hide_name_regexes=None, trim_name_regexes=None):
        for key, value in (("start_name_regexes", start_name_regexes),
                           ("show_name_regexes", show_name_regexes),
                           ("hide_name_regexes", hide_name_regexes),
                           ("trim_name_regexes", trim_name_regexes)):
            if value is not None:
                self._options[key] = copy.copy(value)
        return self

    def account_displayed_op_only(self, is_true):
        return self._set(account_displayed_op_only=is_true)

    def with_empty_output(self):
        return self._set(output="none")

    def with_stdout_output(self):
        return self._set(output="stdout")

    def with_file_output(self, outfile):
        return self._set(output="file:outfile=%s" % outfile)

    def with_timeline_output(self, timeline_file):
        return self._set(output="timeline:outfile=%s" % timeline_file)

    def with_pprof_output(self, pprof_file):
        return self._set(output="pprof:outfile=%s" % pprof_file)

    def order_by(self, attribute):
        return self._set(order_by=attribute)

    def select(self, attributes):
        return self._set(select=copy.copy(attributes))

    def with_step(self, step):
        return self._set(step=step)
