"""`tf.contrib.seq2seq` as TF 1.15 has it: `dynamic_decode` over a `Decoder`
(`BasicDecoder`), its helpers, Bahdanau / Luong attention with `AttentionWrapper`,
`BeamSearchDecoder` (with `tile_batch` and `gather_tree`) and `sequence_loss`."""
# ruff: noqa: F401, I001 - re-exports

from scopeflow.contrib.seq2seq.attention_wrapper import (
    AttentionMechanism, AttentionWrapper, AttentionWrapperState, BahdanauAttention,
    LuongAttention, hardmax)
from scopeflow.contrib.seq2seq.basic_decoder import BasicDecoder, BasicDecoderOutput
from scopeflow.contrib.seq2seq.beam_search_decoder import (
    BeamSearchDecoder, BeamSearchDecoderOutput, BeamSearchDecoderState,
    FinalBeamSearchDecoderOutput)
from scopeflow.contrib.seq2seq.beam_search_ops import gather_tree, tile_batch
from scopeflow.contrib.seq2seq.decoder import Decoder, dynamic_decode
from scopeflow.contrib.seq2seq.helper import (
    CustomHelper, GreedyEmbeddingHelper, Helper, InferenceHelper, SampleEmbeddingHelper,
    ScheduledEmbeddingTrainingHelper, TrainingHelper)
from scopeflow.contrib.seq2seq.loss import sequence_loss
