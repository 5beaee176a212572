"""Pytrees: arguments that are tuples, lists or dicts of arrays, nested to any depth.

`ag.grad(f, argnums=0)` of a function of a dict of parameters returns a dict of
gradients with the same keys: the argument is *flattened* into its leaves (the arrays,
numbers and nodes), each leaf is differentiated, and the gradients are put back into the
same structure by *unflattening*. The structure is written down as a flat list of
instructions in post-order, so neither direction recurses, however deep the nesting.

Example:
    >>> leaves, structure = flatten({"w": [1.0, 2.0], "b": 3.0})
    >>> leaves
    [1.0, 2.0, 3.0]
    >>> unflatten(structure, [10.0, 20.0, 30.0])
    {'w': [10.0, 20.0], 'b': 30.0}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

CONTAINERS = (tuple, list, dict)
"""The containers a pytree is made of; anything else is a leaf (a namedtuple is a tuple)."""


class Entry(NamedTuple):
    """One instruction of a structure: a leaf, or a container of the last `size` entries.

    Attributes:
        kind: None for a leaf, else the container's type (`tuple`, `list`, `dict`, or a
            namedtuple class).
        size: how many children the container has.
        keys: a dict's keys, in order.
    """

    kind: type | None
    size: int = 0
    keys: tuple[Any, ...] = ()


Structure = tuple[Entry, ...]
_LEAF = Entry(None)
_ONE_LEAF = (_LEAF,)  # the structure of a tree that is one leaf: most arguments


def flatten(tree: Any) -> tuple[list[Any], Structure]:
    """The leaves of `tree` from left to right, and its structure (post-order entries)."""
    if not isinstance(tree, CONTAINERS):
        return [tree], _ONE_LEAF
    leaves: list[Any] = []
    entries: list[Entry] = []
    stack: list[tuple[Any, bool]] = [(tree, False)]
    while stack:
        node, expanded = stack.pop()
        if not isinstance(node, CONTAINERS):
            leaves.append(node)
            entries.append(_LEAF)
            continue
        if expanded:  # every child is written: write the container after them
            keys = tuple(node) if isinstance(node, dict) else ()
            entries.append(Entry(type(node), len(node), keys))
            continue
        stack.append((node, True))
        children = list(node.values()) if isinstance(node, dict) else list(node)
        stack.extend((child, False) for child in reversed(children))
    return leaves, tuple(entries)


def unflatten(structure: Structure, leaves: list[Any]) -> Any:
    """Put `leaves` (as many as `flatten` gave) back into the structure."""
    if structure is _ONE_LEAF:
        return leaves[0]
    built: list[Any] = []
    items = iter(leaves)
    for entry in structure:
        if entry.kind is None:
            built.append(next(items))
            continue
        children = built[len(built) - entry.size :] if entry.size else []
        del built[len(built) - entry.size :]
        kind: Any = entry.kind
        if issubclass(kind, dict):
            built.append(kind(zip(entry.keys, children)))
        elif hasattr(kind, "_fields"):  # a namedtuple takes its fields one by one
            built.append(kind(*children))
        else:
            built.append(kind(children))
    return built[0]


def tree_map(fn: Callable[[Any], Any], tree: Any) -> Any:
    """`tree` with `fn` applied to every leaf."""
    leaves, structure = flatten(tree)
    return unflatten(structure, [fn(leaf) for leaf in leaves])


__all__ = ["flatten", "tree_map", "unflatten"]
