"""`tf.initializers`: the TF1 initializer classes and the variable-initializer ops."""

from scopeflow.core.var_ops import global_variables_initializer as global_variables
from scopeflow.core.var_ops import local_variables_initializer as local_variables
from scopeflow.core.var_ops import variables_initializer as variables
from scopeflow.ops.init_ops import Constant as constant
from scopeflow.ops.init_ops import GlorotNormal as glorot_normal
from scopeflow.ops.init_ops import GlorotUniform as glorot_uniform
from scopeflow.ops.init_ops import Identity as identity
from scopeflow.ops.init_ops import Ones as ones
from scopeflow.ops.init_ops import Orthogonal as orthogonal
from scopeflow.ops.init_ops import RandomNormal as random_normal
from scopeflow.ops.init_ops import RandomUniform as random_uniform
from scopeflow.ops.init_ops import TruncatedNormal as truncated_normal
from scopeflow.ops.init_ops import UniformUnitScaling as uniform_unit_scaling
from scopeflow.ops.init_ops import VarianceScaling as variance_scaling
from scopeflow.ops.init_ops import Zeros as zeros
from scopeflow.ops.lookup_ops import tables_initializer
from scopeflow.ops.init_ops import he_normal, he_uniform, lecun_normal, lecun_uniform

__all__ = [n for n in dir() if not n.startswith("_")]
