"""`tf.linalg.LinearOperatorLowerTriangular`: the part TF1 programs use (a causal mask's
`LinearOperatorLowerTriangular(ones).to_dense()`, `matmul`), with TF's op names.

TF's operator is a `tf.Module`: its scope is `<current scope>/<name>/`, taken once at
construction and never made unique (two operators share it); each method opens a unique
sub-scope there (`to_dense`, `to_dense_1`, ...). The constructor's own scope, where a
non-tensor `tril` becomes a `tril` constant, is unique as usual.

>>> import scopeflow as tf
>>> g = tf.Graph()
>>> with g.as_default():
...     op = tf.linalg.LinearOperatorLowerTriangular(tf.ones([3, 3]))
...     op.to_dense().name, op.shape.as_list()
('LinearOperatorLowerTriangular/to_dense/MatrixBandPart:0', [3, 3])
"""

from scopeflow.core.shape import Dimension, TensorShape
from scopeflow.core.tensor import SymbolicTensor
from scopeflow.ops import registry
from scopeflow.ops.diag_ops import matrix_band_part
from scopeflow.ops.linalg import matmul as _matmul
from scopeflow.ops.op_util import name_scope, tensor


class LinearOperatorLowerTriangular:
    """A square lower-triangular matrix (or batch of them) given by `tril`'s lower part."""

    def __init__(self, tril, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None,
                 name="LinearOperatorLowerTriangular"):
        if is_square is False:
            raise ValueError("Only square lower triangular operators supported at this time.")
        g = registry._graph_of((tril,))
        with name_scope(name, values=[tril]):
            self._tril = tril if isinstance(tril, SymbolicTensor) else tensor(tril, name="tril")
        if self._tril.shape.ndims is not None and self._tril.shape.ndims < 2:
            raise ValueError("Argument tril must have at least 2 dimensions.  Found: %s"
                             % self._tril)
        outer = g.get_name_scope()
        self._scope = (outer + "/" if outer else "") + name + "/"
        self._name = name
        self._graph = g
        self.is_non_singular = is_non_singular
        self.is_self_adjoint = is_self_adjoint
        self.is_positive_definite = is_positive_definite
        self.is_square = True

    def _method_scope(self, method):
        outer = self

        class _Scope:
            def __enter__(self):
                self._a = name_scope(outer._scope, values=[outer._tril])
                self._a.__enter__()
                self._b = name_scope(method)
                return self._b.__enter__()

            def __exit__(self, *exc):
                self._b.__exit__(*exc)
                return self._a.__exit__(*exc)

        return _Scope()

    @property
    def name(self):
        return self._name

    @property
    def dtype(self):
        return self._tril.dtype

    @property
    def shape(self):
        return self._tril.shape

    @property
    def batch_shape(self):
        shape = self._tril.shape
        return shape[:-2] if shape.ndims is not None else TensorShape(None)

    @property
    def tensor_rank(self):
        return self._tril.shape.ndims

    @property
    def domain_dimension(self):
        return self._tril.shape[-1] if self._tril.shape.ndims else Dimension(None)

    @property
    def range_dimension(self):
        return self._tril.shape[-2] if self._tril.shape.ndims else Dimension(None)

    def _get_tril(self):
        return matrix_band_part(self._tril, -1, 0)

    def to_dense(self, name="to_dense"):
        with self._method_scope(name):
            return self._get_tril()

    def matmul(self, x, adjoint=False, adjoint_arg=False, name="matmul"):
        with self._method_scope(name):
            x = tensor(x, name="x")
            return _matmul(self._get_tril(), x, adjoint_a=adjoint, adjoint_b=adjoint_arg)
