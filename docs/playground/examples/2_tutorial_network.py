# The tutorial's 2-2-1 ReLU network: the engine finds its slip (0.9 * 1.9 is 1.71, not 1.56),
# and the stepper lab plays forward and backward
import autograd_lite as ag
from autograd_lite import Value

x, y = [1.0, 2.0], 3.0
W1 = [[Value(0.5, label="W1_00"), Value(0.2, label="W1_01")],
      [Value(0.3, label="W1_10"), Value(0.7, label="W1_11")]]
b1 = [Value(0.1, label="b1_0"), Value(0.2, label="b1_1")]
W2 = [Value(0.6, label="W2_0"), Value(0.9, label="W2_1")]
b2 = Value(0.3, label="b2")

h = [ag.relu(ag.dot(row, x) + b) for row, b in zip(W1, b1)]
yhat = ag.dot(W2, h) + b2
loss = 0.5 * (yhat - y) ** 2
trace = ag.trace_backward(loss)  # loss.backward(), recording every chain-rule step

print("h     =", [round(v.data, 12) for v in h])
print("yhat  =", round(yhat.data, 12), "  (the tutorial prints 2.46)")
print("loss  =", round(loss.data, 12), "  (the tutorial prints 0.1458)")
print("dL/dW2 =", [round(w.grad, 12) for w in W2], "  (the tutorial: [-0.54, -1.026])")
print("dL/db2 =", round(b2.grad, 12))
print("dL/dW1 =", [[round(w.grad, 12) for w in row] for row in W1])
print("dL/db1 =", [round(b.grad, 12) for b in b1])

# Forward, backward, then SGD on the parameters (drawn green): press play, or click a leaf.
params = [*W1[0], *W1[1], *b1, *W2, b2]
trace.stepper(params=params, lr=0.1, title="the 2-2-1 network: forward, backward, SGD")
