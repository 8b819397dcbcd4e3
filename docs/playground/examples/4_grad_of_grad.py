# grad of grad: derivatives of derivatives, checked against their closed forms
import math

import autograd_lite as ag


def f(x):
    return x * x * x + ag.sin(x)

df = ag.grad(f)      # 3x**2 + cos(x)
d2f = ag.grad(df)    # 6x - sin(x)
d3f = ag.grad(d2f)   # 6 - cos(x)

x = 1.5
print(f"f'(x)   = {df(x):.12f}   closed form {3 * x**2 + math.cos(x):.12f}")
print(f"f''(x)  = {d2f(x):.12f}   closed form {6 * x - math.sin(x):.12f}")
print(f"f'''(x) = {d3f(x):.12f}   closed form {6 - math.cos(x):.12f}")
