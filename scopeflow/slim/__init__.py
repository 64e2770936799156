"""TF-Slim (`tf.contrib.slim`): arg scopes, slim layers and model-variable helpers."""
# ruff: noqa: F401 - re-exports

from scopeflow.slim.arg_scope import (
                                      add_arg_scope,
                                      arg_scope,
                                      arg_scope_func_key,
                                      arg_scoped_arguments,
                                      current_arg_scope,
                                      has_arg_scope,
)
from scopeflow.slim.assign import (
                                      VariableDeviceChooser,
                                      assign_from_checkpoint,
                                      assign_from_checkpoint_fn,
                                      assign_from_values,
                                      assign_from_values_fn,
                                      filter_variables,
)
from scopeflow.slim.initializers import (
                                      variance_scaling_initializer,
                                      xavier_initializer,
)
from scopeflow.slim.layers import *  # tf_slim: `from tf_slim.layers import *`
from scopeflow.slim.layers import layers, normalization, optimizers
from scopeflow.slim.layers.extra import (
                                      assert_global_step,
                                      assert_or_get_global_step,
                                      avg_pool3d,
                                      bias_add,
                                      create_global_step,
                                      elu,
                                      get_global_step,
                                      get_or_create_global_step,
                                      layer_norm,
                                      linear,
                                      max_pool3d,
                                      relu,
                                      relu6,
                                      softmax,
)
from scopeflow.slim.regularizers import (
                                      apply_regularization,
                                      l1_l2_regularizer,
                                      l1_regularizer,
                                      l2_regularizer,
                                      sum_regularizer,
)
from scopeflow.slim.variables import (
                                      add_model_variable,
                                      get_local_variables,
                                      get_model_variables,
                                      get_trainable_variables,
                                      get_unique_variable,
                                      get_variable_full_name,
                                      get_variables,
                                      get_variables_by_name,
                                      get_variables_by_suffix,
                                      get_variables_to_restore,
                                      global_variable,
                                      local_variable,
                                      model_variable,
                                      variable,
)

xavier_initializer_conv2d = xavier_initializer

# after the star import above, which brings tf_slim.layers' own `summaries` module (the
# `import ... as` form imports the submodule rather than reading that attribute)
import scopeflow.slim.summaries as summaries  # noqa: PLR0402
from scopeflow.slim import (
                                      data,
                                      evaluation,
                                      learning,
                                      losses,
                                      metrics,
                                      model_analyzer,
                                      nets,
                                      queues,
                                      utils,
)
from scopeflow.slim.data import (
                                      data_decoder,
                                      data_provider,
                                      dataset,
                                      dataset_data_provider,
                                      parallel_reader,
                                      prefetch_queue,
                                      tfexample_decoder,
)
from scopeflow.slim.training import evaluation as train_eval
from scopeflow.slim.training import training
