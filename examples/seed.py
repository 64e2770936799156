import scopeflow.compat.v1 as tf

with tf.name_scope("my_scope"):
    v1 = tf.get_variable("var1", [1], dtype=tf.float32)
    v2 = tf.Variable(1, name="var2", dtype=tf.float32)
    a = tf.add(v1, v2)
print(v1.name, v2.name, a.name)   # var1:0 my_scope/var2:0 my_scope/Add:0
def scoping(fn, scope1, scope2, vals):
    with fn(scope1):
        a = tf.Variable(vals[0], name='a')
        b = tf.get_variable('b', initializer=vals[1])
        c = tf.constant(vals[2], name='c')
        with fn(scope2):
            d = tf.add(a * b, c, name='res')
    return d
d1 = scoping(tf.variable_scope, 'scope_vars', 'res', [1, 2, 3])  # scope_vars/{a,b,c}:0, scope_vars/res/res:0
d2 = scoping(tf.name_scope, 'scope_name', 'res', [1, 2, 3])      # scope_name/a:0 b:0 scope_name/c:0 ...
with tf.Session() as sess:
    writer = tf.summary.FileWriter('logs', sess.graph)
    sess.run(tf.global_variables_initializer())
    print(sess.run([d1, d2]))                                    # [5, 5]
    writer.close()
