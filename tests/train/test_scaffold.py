"""tf.train.Scaffold's default local_init_op: local variables, tables and resources, as TF's
(`init_all_tables` groups the TABLE_INITIALIZERS)."""


def test_monitored_session_initializes_lookup_tables(tf):
    from scopeflow.ops.lookup_ops import index_table_from_tensor
    ids = index_table_from_tensor(["a", "b", "c"]).lookup(tf.constant(["c", "a", "z"]))
    with tf.train.MonitoredTrainingSession() as s:
        assert s.run(ids).tolist() == [2, 0, -1]
    init = tf.get_default_graph().get_operation_by_name("init_all_tables")
    assert [op.type for op in init.control_inputs] == ["LookupTableImportV2"]
