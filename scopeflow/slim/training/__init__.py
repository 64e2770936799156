"""`tf_slim.training`: train ops and loops over MonitoredSession (training), and evaluation."""
