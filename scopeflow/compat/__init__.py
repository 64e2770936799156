"""`tf.compat`: `v1` (TF1's namespace) and TF's text helpers (`as_bytes`, `as_text`, ...)."""
from scopeflow.io.text import (  # noqa: F401
    as_bytes, as_str, as_str_any, as_text, bytes_or_text_types, complex_types, integral_types,
    path_to_str, real_types,
)
from scopeflow.core.shape import dimension_at_index, dimension_value  # noqa: F401
from scopeflow.compat import v1  # noqa: F401
