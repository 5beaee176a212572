"""Solutions to the exercises of 06_inside_backward.ipynb."""


# Exercise 1: micrograd's build_topo without recursion: a depth-first search with a stack
# of our own. A node is appended after all of its inputs (inputs first, the root last).
def topological_sort(root):
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))  # comes back to it once its inputs are appended
        for parent in node._parents:
            if parent not in visited:
                stack.append((parent, False))
    return order


# Exercise 2: the buggy engine's rule for *, fixed: += instead of =.
def mul_backward(x, y, out):
    x.grad += y.data * out.grad
    y.grad += x.data * out.grad
