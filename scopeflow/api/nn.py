"""`tf.nn`: activations, convolutions, pooling, normalization, losses, embeddings, sampling."""
# ruff: noqa: F401 - re-exports

from scopeflow.ops.math import sigmoid, tanh
from scopeflow.ops.math_extra import in_top_k, top_k, zero_fraction
from scopeflow.ops.nn import (bias_add, crelu, dropout, elu, leaky_relu, log_softmax, relu,
                              relu6, relu_layer, selu, silu, softmax, softplus, softsign, swish,
                              xw_plus_b)
from scopeflow.ops.nn_conv_api import (atrous_conv2d, atrous_conv2d_transpose, conv1d,
                                       conv1d_transpose, conv2d, conv2d_backprop_filter,
                                       conv2d_backprop_input, conv2d_transpose, conv3d,
                                       conv3d_backprop_filter_v2, conv3d_transpose,
                                       conv_transpose, convolution, depthwise_conv2d,
                                       depthwise_conv2d_native,
                                       depthwise_conv2d_native_backprop_filter,
                                       depthwise_conv2d_native_backprop_input,
                                       separable_conv2d)
from scopeflow.ops.ctc_decode import (collapse_repeated, ctc_beam_search_decoder,
                                      ctc_beam_search_decoder_v2, ctc_greedy_decoder)
from scopeflow.ops.nn_ctc import ctc_loss
from scopeflow.ops.quantized_math import (quantized_avg_pool, quantized_conv2d,
                                          quantized_max_pool, quantized_relu_x)
from scopeflow.ops.nn_embedding import embedding_lookup
from scopeflow.ops.nn_embedding_safe import safe_embedding_lookup_sparse
from scopeflow.ops.nn_embedding_sparse import embedding_lookup_sparse
from scopeflow.ops.nn_morphology import dilation2d, erosion2d
from scopeflow.ops.nn_losses import (compute_average_loss, l2_loss, log_poisson_loss,
                                     scale_regularization_loss,
                                     sigmoid_cross_entropy_with_logits,
                                     softmax_cross_entropy_with_logits,
                                     softmax_cross_entropy_with_logits_v2,
                                     sparse_softmax_cross_entropy_with_logits,
                                     weighted_cross_entropy_with_logits)
from scopeflow.ops.nn_norm import (batch_norm_with_global_normalization, batch_normalization,
                                   fused_batch_norm, l2_normalize, local_response_normalization,
                                   lrn, moments, normalize_moments, sufficient_statistics,
                                   weighted_moments)
from scopeflow.ops.nn_fractional_pool import fractional_avg_pool, fractional_max_pool
from scopeflow.ops.nn_pool import (avg_pool, avg_pool1d, avg_pool2d, avg_pool3d, avg_pool_v2,
                                   max_pool, max_pool1d, max_pool2d, max_pool3d, max_pool_v2,
                                   max_pool_with_argmax, pool)
from scopeflow.ops.nn_sampled import nce_loss, sampled_softmax_loss
from scopeflow.ops.nn_space import depth_to_space, space_to_depth, with_space_to_batch
from scopeflow.ops.nn_space import space_to_batch
from scopeflow.ops.sampling import (all_candidate_sampler, fixed_unigram_candidate_sampler,
                                    learned_unigram_candidate_sampler,
                                    log_uniform_candidate_sampler, uniform_candidate_sampler)

depthwise_conv2d_backprop_filter = depthwise_conv2d_native_backprop_filter
depthwise_conv2d_backprop_input = depthwise_conv2d_native_backprop_input
conv3d_backprop_filter = conv3d_backprop_filter_v2

# ---- recurrent networks -------------------------------------------------------------------
# The RNN family (tf.nn.rnn_cell, dynamic_rnn, static_rnn, bidirectional_dynamic_rnn,
# raw_rnn, ...) adds its imports here.
from scopeflow.api._rnn import *  # noqa: F401,F403,E402
