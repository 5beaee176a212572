"""`ag.exercises`: build the engine yourself, and have each piece checked.

The notebooks ask the learner to write the pieces of an autodiff engine: a derivative by
the chain rule, the backward rules of `tanh` and `*`, the topological sort, a `Neuron`, a
`Layer` and an `MLP`, the gradient of the softmax cross-entropy, the product rule of
forward mode and a Jacobian built from jvps. Each `check_*`
function runs the learner's code on real inputs, compares it with this engine and with
central differences (`ag.gradcheck`), and returns a `Result` whose one sentence says what
was right, or which input, which value, and what the chain rule expected. A check never
raises on the learner's mistakes (an unfinished `raise NotImplementedError` included), so
a notebook runs to the end.

Loaded on first use (`ag.exercises`); `import autograd_lite` does not import it.

Example:
    >>> import autograd_lite as ag
    >>> def tanh_backward(x, out):
    ...     x.grad += (1 - out.data**2) * out.grad
    >>> print(ag.exercises.check_tanh_backward(tanh_backward))
    ✓ tanh_backward: x.grad += out.grad·(1 - out²) in all 3 cases
"""

from .backward_rules import check_mul_backward, check_tanh_backward
from .forward import check_jacobian_from_jvps, check_jvp_mul
from .gradients import check_gradient
from .graphs import check_topological_sort
from .models import check_layer, check_mlp, check_neuron
from .result import Result
from .softmax import check_softmax_cross_entropy_grad

__all__ = [
    "Result",
    "check_gradient",
    "check_jacobian_from_jvps",
    "check_jvp_mul",
    "check_layer",
    "check_mlp",
    "check_mul_backward",
    "check_neuron",
    "check_softmax_cross_entropy_grad",
    "check_tanh_backward",
    "check_topological_sort",
]
