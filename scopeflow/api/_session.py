"""Sessions and their configuration: `tf.Session`, `tf.ConfigProto`, ..."""

from scopeflow.session import BaseSession, InteractiveSession, Session
from scopeflow.session_config import (
                                      ConfigProto,
                                      GPUOptions,
                                      GraphOptions,
                                      OptimizerOptions,
                                      RunMetadata,
                                      RunOptions,
                                      get_default_session,
)

__all__ = ["BaseSession", "ConfigProto", "GPUOptions", "GraphOptions", "InteractiveSession",
           "OptimizerOptions", "RunMetadata", "RunOptions", "Session", "get_default_session"]
