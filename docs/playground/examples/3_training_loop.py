# A training loop by hand: a small MLP learns the two moons (forward, loss, backward, step)
from autograd_lite import nn

X, labels = nn.data.make_moons(40, noise=0.1, seed=0, signed=True)
model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=1)
optimizer = nn.optim.SGD(model.parameters(), lr=0.1)

for epoch in range(1, 11):
    scores = [model(x) for x in X]
    loss = nn.losses.hinge(scores, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    right = sum((s.data > 0) == (t > 0) for s, t in zip(scores, labels))
    print(f"epoch {epoch:2d}: loss {loss.data:.6f}, accuracy {right / len(X):.0%}")

first = model.parameters()[0]
print(f"the first weight {first.label}: data {first.data:.6f}, grad {first.grad:.6f}")
