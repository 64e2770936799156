"""Top-level names for variables, variable scopes, initializers and random ops."""

from scopeflow.core.partitioners import (PartitionedVariable, fixed_size_partitioner,
                                         min_max_variable_partitioner,
                                         variable_axis_size_partitioner)
from scopeflow.core.getters import (create_partitioned_variables, get_local_variable,
                                    get_variable)
from scopeflow.core.scopes import (AUTO_REUSE, VariableScope, get_variable_scope,
                                   variable_op_scope, variable_scope)
from scopeflow.core.templates import make_template
from scopeflow.core.var_ops import (all_variables, assert_variables_initialized,
                                    global_variables, global_variables_initializer,
                                    initialize_all_variables, initialize_local_variables,
                                    initialize_variables, local_variables,
                                    local_variables_initializer, model_variables,
                                    moving_average_variables, report_uninitialized_variables,
                                    trainable_variables, variables_initializer)
from scopeflow.core.var_store import no_regularizer
from scopeflow.core.variables import (Variable, VariableAggregation, VariableSynchronization,
                                      init_scope, variable_creator_scope)
from scopeflow.ops.init_ops import (constant_initializer, glorot_normal_initializer,
                                    glorot_uniform_initializer, ones_initializer,
                                    orthogonal_initializer, random_normal_initializer,
                                    random_uniform_initializer, truncated_normal_initializer,
                                    uniform_unit_scaling_initializer, variance_scaling_initializer,
                                    zeros_initializer)
from scopeflow.ops.lookup_ops import initialize_all_tables, tables_initializer
from scopeflow.ops.random import (get_seed, random_normal, random_uniform, set_random_seed,
                                  truncated_normal)
from scopeflow.ops.state import (assign, assign_add, assign_sub, count_up_to, group,
                                 is_variable_initialized, no_op, scatter_add, scatter_div,
                                 scatter_max, scatter_min, scatter_mul, scatter_sub,
                                 scatter_update)
from scopeflow.ops.scatter import scatter_nd_add, scatter_nd_sub, scatter_nd_update
from scopeflow.ops.state import tuple_ as tuple

__all__ = [n for n in dir() if not n.startswith("_")]
