"""`tf.dtypes`: scopeflow.dtypes (the DType objects, `as_dtype`, ...) and the casts TF files
under it (`cast`, `saturate_cast`, `complex`, `as_string`)."""

from scopeflow.dtypes import *  # noqa: F401,F403
from scopeflow.dtypes import QUANTIZED_DTYPES, DType, as_dtype  # noqa: F401
from scopeflow.ops.math_cast import cast, complex, saturate_cast  # noqa: F401
from scopeflow.ops.strings import as_string  # noqa: F401
