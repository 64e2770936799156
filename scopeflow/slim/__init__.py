"""TF-Slim (`tf.contrib.slim`): arg scopes, slim layers and model-variable helpers."""
# ruff: noqa: F401 - re-exports

from scopeflow.slim import losses, utils
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
from scopeflow.slim.extra import (
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
from scopeflow.slim.initializers import (
                                      variance_scaling_initializer,
                                      xavier_initializer,
)
from scopeflow.slim.layers import (
                                      append_tensor_alias,
                                      avg_pool2d,
                                      batch_norm,
                                      collect_named_outputs,
                                      conv1d,
                                      conv2d,
                                      conv2d_transpose,
                                      conv3d,
                                      convolution,
                                      convolution1d,
                                      convolution2d,
                                      convolution2d_transpose,
                                      convolution3d,
                                      dropout,
                                      flatten,
                                      fully_connected,
                                      max_pool2d,
                                      one_hot_encoding,
                                      repeat,
                                      stack,
)
from scopeflow.slim.more_layers import (
                                      images_to_sequence,
                                      maxout,
                                      separable_conv2d,
                                      separable_convolution2d,
                                      sequence_to_images,
                                      unit_norm,
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

from scopeflow.slim import nets  # noqa: E402 - the nets are built from the layers above
