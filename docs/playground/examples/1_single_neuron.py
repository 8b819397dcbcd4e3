# A single neuron: o = tanh(x1*w1 + x2*w2 + b), its gradients and its drawing
import autograd_lite as ag
from autograd_lite import Value

x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
b = Value(6.8813735870195432, label="b")
n = x1 * w1 + x2 * w2 + b
n.label = "n"
o = n.tanh()
o.label = "o"

o.backward()
for leaf in (x1, x2, w1, w2, b):
    print(f"do/d{leaf.label} = {leaf.grad:.6f}")

# The value of the last line is shown, as in a notebook (display(x) shows one anywhere).
ag.draw_graph(o, params=[w1, w2, b])
