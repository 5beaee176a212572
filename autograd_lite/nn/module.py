r"""`Module`: the base class of every model, and `Sequential`.

A module holds parameters (leaf `Tensor`s with `requires_grad=True`, and `Value`s) and
other modules, as plain attributes. `parameters()` finds them by walking the attributes
in the order they were assigned (`vars(self)`), descending into sub-modules and into
lists and tuples, so `self.layers = [Layer(...), ...]` works as in micrograd. Names join
the attribute path with dots (`layers.0.weight`), as PyTorch's `named_parameters()`.

Example:
    >>> import autograd_lite as ag
    >>> class Affine(ag.nn.Module):
    ...     def __init__(self):
    ...         self.a = ag.Value(2.0)
    ...         self.b = ag.Value(1.0)
    ...     def forward(self, x):
    ...         return self.a * x + self.b
    >>> model = Affine()
    >>> ", ".join(name for name, _ in model.named_parameters())
    'a, b'
    >>> model(3.0).data
    7.0
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple, TypeAlias

import numpy as np

from ..tensor import Tensor
from ..value import Value
from .shapes import ShapeError

Parameter: TypeAlias = "Tensor | Value"


class LoadResult(NamedTuple):
    """What `load_state_dict` left out (always empty with `strict=True`)."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def is_parameter(obj: object) -> bool:
    """True for a trainable leaf: a `Value` made by hand, or a leaf Tensor that needs grad."""
    if isinstance(obj, Value):
        return obj._op is None
    return isinstance(obj, Tensor) and obj.requires_grad and obj._op is None


class Module:
    """Base class of models: parameters, sub-modules, state dicts, train/eval mode.

    Subclasses assign parameters and sub-modules as attributes and define
    `forward`; calling the module calls `forward`. Calling `super().__init__()` is
    optional (micrograd-style classes work without it).

    Attributes:
        training: True in training mode (the default), False after `eval()`. `Dropout`
            and `BatchNorm1d/2d` behave differently in the two modes; your own modules may
            read it too.
    """

    training: bool = True
    _buffer_names: tuple[str, ...] = ()
    _forward_hooks: dict[int, Any] | None = None

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Compute the module's output; every subclass defines it."""
        raise NotImplementedError(
            f"{type(self).__name__} has no forward(); define `def forward(self, x):` "
            "returning the output, and call the module as model(x)"
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        out = self.forward(*args, **kwargs)
        if self._forward_hooks:
            for hook in list(self._forward_hooks.values()):
                result = hook(self, args, out)
                if result is not None:
                    out = result
        return out

    def register_forward_hook(self, hook: Any) -> HookHandle:
        """Call `hook(module, inputs, output)` after every forward pass of this module.

        A hook that returns something other than None replaces the output. This is how
        `ag.train.Diagnostics` watches the layers' activations without changing them.

        Returns:
            A handle whose `remove()` unregisters the hook.

        Example:
            >>> import autograd_lite as ag
            >>> layer = ag.nn.Tanh()
            >>> seen = []
            >>> handle = layer.register_forward_hook(lambda m, args, out: seen.append(out))
            >>> _ = layer(ag.Tensor([0.0]))
            >>> handle.remove()
            >>> _ = layer(ag.Tensor([0.0]))
            >>> len(seen)
            1
        """
        if not callable(hook):
            raise TypeError(f"register_forward_hook: hook must be callable, got {hook!r:.40}")
        if self._forward_hooks is None:
            self._forward_hooks = {}
        handle = HookHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = hook
        return handle

    def register_buffer(self, name: str, value: np.ndarray) -> None:
        """Keep `value` as state that is saved and loaded but not trained (`running_mean`).

        The array becomes the attribute `name`, is listed by `named_buffers()`, and is part
        of `state_dict()` (after the module's own parameters, as in PyTorch).
        """
        if not isinstance(value, np.ndarray):
            raise TypeError(
                f"register_buffer: {name!r} must be an ndarray, got {type(value).__name__}"
            )
        setattr(self, name, value)
        if name not in self._buffer_names:
            self._buffer_names = (*self._buffer_names, name)

    def named_buffers(self, prefix: str = "") -> list[tuple[str, np.ndarray]]:
        """Every buffer with its dotted name, module by module, parents first."""
        out: list[tuple[str, np.ndarray]] = []
        for name, module in self.named_modules(prefix):
            for buffer in module._buffer_names:
                out.append((f"{name}.{buffer}" if name else buffer, getattr(module, buffer)))
        return out

    # ------------------------------------------------------------ the attribute walk
    def _members(self) -> Iterable[tuple[str, Any]]:
        """The (name, object) pairs the walk visits: the attributes, in assignment order."""
        return vars(self).items()

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct sub-modules, found in attributes and in lists/tuples of them."""
        for name, obj in self._members():
            yield from _modules_in(name, obj)

    def children(self) -> Iterator[Module]:
        """The direct sub-modules."""
        for _, child in self.named_children():
            yield child

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module (named `prefix`) and every module below it, each once, parents first."""
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            below = [(f"{name}.{n}" if name else n, m) for n, m in module.named_children()]
            stack.extend(reversed(below))

    def modules(self) -> list[Module]:
        """This module and every module below it, each once, in `named_modules()` order."""
        out: list[Module] = []
        seen: set[int] = set()
        stack: list[Module] = [self]
        while stack:
            module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            out.append(module)
            below: list[Module] = []
            for _, obj in module._members():
                _collect(obj, Module, below)
            stack.extend(reversed(below))
        return out

    def named_parameters(self, prefix: str = "") -> list[tuple[str, Parameter]]:
        """Every parameter with its dotted name, each once (first name wins), in a fixed order.

        The order is PyTorch's: module by module, parents first, each module's own
        parameters in the order its attributes were assigned. For micrograd's `Neuron`
        (`self.w = [...]`, then `self.b`) it is `w.0, w.1, ..., b`, so `ValueMLP`'s list
        is micrograd's.
        """
        out: list[tuple[str, Parameter]] = []
        seen: set[int] = set()
        for name, module in self.named_modules(prefix):
            for attr, obj in module._members():
                for path, param in _parameters_in(attr, obj):
                    if id(param) not in seen:
                        seen.add(id(param))
                        out.append((f"{name}.{path}" if name else path, param))
        return out

    def parameters(self) -> list[Parameter]:
        """Every parameter, each once, in `named_parameters()` order (a list, as micrograd).

        The same walk as `named_parameters()` without building the names: a training loop
        may call it every step (micrograd's does, in `zero_grad`).
        """
        found: list[Any] = []
        for module in self.modules():
            for _, obj in module._members():
                _collect(obj, (Value, Tensor), found)
        out: list[Parameter] = []
        seen: set[int] = set()
        for param in found:
            if (
                param._op is None
                and id(param) not in seen
                and (type(param) is Value or param.requires_grad)
            ):
                seen.add(id(param))
                out.append(param)
        return out

    # ------------------------------------------------------------ training helpers
    def zero_grad(self) -> None:
        """Reset gradients: a Tensor's `.grad` to None, a Value's `.grad` to 0.0."""
        for param in self.parameters():
            if type(param) is Value:
                param.grad = 0.0
            else:
                param.grad = None

    def train(self, mode: bool = True) -> Module:
        """Set training mode on this module and every sub-module; return self."""
        for module in self.modules():
            module.training = bool(mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode (`train(False)`); return self."""
        return self.train(False)

    # ------------------------------------------------------------ state dicts
    def state_dict(self) -> dict[str, np.ndarray]:
        """Map each parameter's and buffer's name to a copy of its array.

        The order is PyTorch's: module by module, parents first, each module's parameters
        then its buffers. A Value gives a 0-d float64 array.

        Example:
            >>> import autograd_lite as ag
            >>> sd = ag.nn.Linear(2, 3, seed=0).state_dict()
            >>> {name: a.shape for name, a in sd.items()}
            {'weight': (3, 2), 'bias': (3,)}
        """
        return {
            name: np.array(obj.data, dtype=np.float64)
            if isinstance(obj, Value)
            else (obj.data if isinstance(obj, Tensor) else obj).copy()
            for name, obj in self._named_state()
        }

    def _named_state(self) -> list[tuple[str, Parameter | np.ndarray]]:
        """Parameters and buffers, in `state_dict` order."""
        out: list[tuple[str, Parameter | np.ndarray]] = []
        seen: set[int] = set()
        for name, module in self.named_modules():
            for attr, obj in module._members():
                for path, param in _parameters_in(attr, obj):
                    if id(param) not in seen:
                        seen.add(id(param))
                        out.append((f"{name}.{path}" if name else path, param))
            for buffer in module._buffer_names:
                out.append((f"{name}.{buffer}" if name else buffer, getattr(module, buffer)))
        return out

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> LoadResult:
        """Copy arrays into the parameters, after checking every one of them.

        Every key, shape and dtype is checked first; if anything is wrong, a `ValueError`
        lists all the problems and the model is left exactly as it was. A dtype may only
        widen (float32 into a float64 parameter); anything that would lose precision or is
        not floating point is refused.

        Args:
            state_dict: name -> array (or number, Tensor or Value), as `state_dict()` makes.
            strict: require the keys to match the model's exactly. With False, missing and
                unexpected keys are allowed (and returned), but shapes must still match.

        Returns:
            `LoadResult(missing_keys, unexpected_keys)`.

        Raises:
            ValueError: a missing or unexpected key (strict), a shape or dtype mismatch,
                naming the key and both shapes or dtypes.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"load_state_dict: expected a dict of arrays, got {type(state_dict).__name__}; "
                "pass model.state_dict() or the dict read from a file"
            )
        params = dict(self._named_state())
        missing = [key for key in params if key not in state_dict]
        unexpected = [key for key in state_dict if key not in params]
        problems: list[str] = []
        if strict and missing:
            problems.append("missing key(s): " + ", ".join(map(repr, missing)))
        if strict and unexpected:
            problems.append("unexpected key(s): " + ", ".join(map(repr, unexpected)))
        arrays: list[tuple[Parameter | np.ndarray, np.ndarray]] = []
        for key, param in params.items():
            if key not in state_dict:
                continue
            array, problem = _checked_array(key, state_dict[key], param)
            if problem:
                problems.append(problem)
            else:
                arrays.append((param, array))
        if problems:
            raise ValueError(
                f"load_state_dict: cannot load into {type(self).__name__}; nothing was "
                "changed:\n  " + "\n  ".join(problems)
            )
        for param, array in arrays:
            if isinstance(param, Value):
                param.data = float(array)
            elif isinstance(param, Tensor):
                np.copyto(param.data, array)
            else:  # a buffer
                np.copyto(param, array, casting="unsafe")
        return LoadResult(missing, unexpected)  # both empty when strict

    # ------------------------------------------------------------ repr
    def extra_repr(self) -> str:
        """The text shown inside this module's parentheses (its settings)."""
        return ""

    def __repr__(self) -> str:
        children = list(self.named_children())
        extra = self.extra_repr()
        if not children:
            return f"{type(self).__name__}({extra})"
        lines = [extra] if extra else []
        for name, child in children:
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"({name}): {body}")
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


def _collect(obj: object, kind: type | tuple[type, ...], out: list[Any]) -> None:
    """Append to `out` every `kind` instance in `obj`, or in the lists and tuples it nests."""
    if isinstance(obj, kind):
        out.append(obj)
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            if isinstance(item, kind):
                out.append(item)
            elif isinstance(item, (list, tuple)):
                _collect(item, kind, out)


def _modules_in(name: str, obj: object) -> Iterator[tuple[str, Module]]:
    if isinstance(obj, Module):
        yield name, obj
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from _modules_in(f"{name}.{i}", item)


def _parameters_in(name: str, obj: object) -> Iterator[tuple[str, Parameter]]:
    """The parameters held directly by one attribute (sub-modules are visited apart)."""
    if isinstance(obj, (Value, Tensor)):
        if is_parameter(obj):
            yield name, obj
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from _parameters_in(f"{name}.{i}", item)


def _checked_array(key: str, obj: object, param: Parameter | np.ndarray) -> tuple[np.ndarray, str]:
    """Return (array, "") ready to copy into `param`, or (_, problem) naming the key."""
    if isinstance(obj, (Tensor, Value)):
        obj = obj.data
    array = np.asarray(obj)
    scalar = type(param) is Value
    target = param if isinstance(param, np.ndarray) else param.data
    want_shape: tuple[int, ...] = () if scalar else np.shape(target)
    want_dtype = np.dtype(np.float64) if scalar else np.asarray(target).dtype
    if array.shape != want_shape:
        kind = "a Value, shape ()" if scalar else f"shape {want_shape}"
        what = "buffer" if isinstance(param, np.ndarray) else "parameter"
        return array, f"{key!r}: shape {array.shape} given, but the model's {what} has {kind}"
    if want_dtype.kind in "iu":  # a counter (num_batches_tracked): any whole numbers
        if array.dtype.kind not in "iu":
            return array, f"{key!r}: dtype {array.dtype} given, but this buffer counts in integers"
        return array, ""
    if array.dtype.kind != "f" or not np.can_cast(array.dtype, want_dtype, casting="safe"):
        return array, (
            f"{key!r}: dtype {array.dtype} given, but the model's parameter is {want_dtype}; "
            f"convert it with .astype(np.{want_dtype})"
        )
    return array, ""


class HookHandle:
    """What `register_forward_hook` returns: `remove()` unregisters the hook."""

    _next = 0

    def __init__(self, hooks: dict[int, Any]) -> None:
        HookHandle._next += 1
        self.id = HookHandle._next
        self._hooks = hooks

    def remove(self) -> None:
        """Unregister the hook (a second call does nothing)."""
        self._hooks.pop(self.id, None)


class Sequential(Module):
    """Modules applied one after the other: `Sequential(f, g, h)(x)` is `h(g(f(x)))`.

    Parameters are named by position (`0.weight`, `2.bias`), as in `torch.nn.Sequential`,
    so a state dict maps between the two by name.

    Args:
        *layers: the modules, in order.

    Example:
        >>> import autograd_lite as ag
        >>> model = ag.nn.Sequential(ag.nn.Linear(2, 4, seed=0), ag.nn.ReLU(),
        ...                          ag.nn.Linear(4, 1, seed=1))
        >>> model(ag.Tensor([[1.0, 2.0]])).shape
        (1, 1)
        >>> ", ".join(name for name, _ in model.named_parameters())
        '0.weight, 0.bias, 2.weight, 2.bias'
    """

    def __init__(self, *layers: Module) -> None:
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                hint = (
                    "; create an instance, e.g. ReLU() rather than ReLU"
                    if isinstance(layer, type)
                    else "; wrap a function in a Module subclass with that forward()"
                )
                raise TypeError(
                    f"Sequential: layer {i} is {type(layer).__name__} {layer!r:.40}, not a "
                    f"Module{hint}"
                )
        self.layers: list[Module] = list(layers)

    def _members(self) -> Iterable[tuple[str, Any]]:
        """The layers by position, then any other attribute a subclass adds."""
        yield from ((str(i), layer) for i, layer in enumerate(self.layers))
        for name, obj in vars(self).items():
            if name != "layers":
                yield name, obj

    def forward(self, x: Any) -> Any:
        """Apply each layer in turn.

        A layer refusing its input's shape raises `ShapeError`; it is re-raised saying
        which layer of this Sequential it was and the shape the layer before produced.
        """
        for i, layer in enumerate(self.layers):
            try:
                x = layer(x)
            except ShapeError as error:
                previous = self.layers[i - 1] if i else None
                raise error.located(i, self, previous, getattr(x, "shape", ())) from None
        return x

    def append(self, layer: Module) -> Sequential:
        """Add a layer at the end; return self."""
        if not isinstance(layer, Module):
            raise TypeError(f"Sequential.append: expected a Module, got {type(layer).__name__}")
        self.layers.append(layer)
        return self

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)

    def __getitem__(self, index: int | slice) -> Any:
        """The layer at `index` (negative counts from the end), or a Sequential of a slice."""
        if isinstance(index, slice):
            return Sequential(*self.layers[index])
        n = len(self.layers)
        if not isinstance(index, (int, np.integer)) or isinstance(index, bool):
            raise TypeError(
                f"Sequential: index layers by int or slice, not {type(index).__name__}"
            )
        if not -n <= index < n:
            raise IndexError(
                f"Sequential: index {index} is out of range for its {n} layer(s) (0 to {n - 1})"
            )
        return self.layers[index]
