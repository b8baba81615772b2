"""A second implementation of the small part of CEL that profile rules use, in plain Python.

Handing values to the CEL engine dominates a rule's cost (2.5 µs per string, up to 126 µs for a
defendant, measured), while the common rules are a comparison or two of fields. Rules whose text
stays within this subset — field access, ``has``, literals and lists, ``== != < <= > >= in``,
``! && ||``, the profile's own functions, and the ``all``/``exists``/``exists_one`` macros — are
compiled here into closures that read the payload directly; anything else goes to the engine.
The semantics are the engine's own, as measured against it (cel-rust through the cel package):
numbers compare across int and double, other types never equal one another, ``&&``/``||`` let a
deciding side absorb an error on the other, macros stop at the first error or deciding item, a
missing field is an error. A differential test runs every bundled rule both ways on generated
values and demands the same answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from interopcheck.checks.cel_syntax import (
    Call,
    Constant,
    Field,
    Has,
    ListOf,
    Logical,
    Macro,
    Name,
    Node,
    Not,
    Relation,
    Unsupported,
    parse,
)

__all__ = ["EvalError", "Unsupported", "compile_native", "compile_tree", "new_env"]

Env = dict[str, Any]
Evaluator = Callable[[Env], Any]


class EvalError(Exception):
    """The rule cannot be evaluated on this value (the engine would raise too)."""


#: Macro steps (items an ``all``/``exists``/``exists_one`` visits) one evaluation may take: a
#: hostile payload or rule meets a located "could not be evaluated", not a run without end.
MAX_STEPS = 1_000_000
#: Where an environment keeps the steps it has left (a one-item list, shared by the copies
#: each macro makes of the environment).
BUDGET = "\0budget"


def new_env(value: Any) -> Env:
    """The environment of one evaluation: ``self`` and a fresh step budget."""
    return {"self": value, BUDGET: [MAX_STEPS]}


def _lookup(env: Env, name: str) -> Any:
    if name not in env:
        raise EvalError(f"undeclared {name}")
    return env[name]


def _field(target: Evaluator, name: str) -> Evaluator:
    def get(env: Env) -> Any:
        value = target(env)
        if type(value) is dict:
            try:
                return value[name]
            except KeyError:
                raise EvalError(f"no such key: {name}") from None
        if not isinstance(value, dict):
            raise EvalError(f"no field {name} on a non-map")
        if name not in value:
            raise EvalError(f"no such key: {name}")
        return value[name]

    return get


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _equal(left: Any, right: Any) -> bool:
    if type(left) is str:
        return type(right) is str and left == right
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    if type(left) is not type(right):
        return False
    if isinstance(left, list):
        return len(left) == len(right) and all(
            _equal(a, b) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(_equal(left[k], right[k]) for k in left)
    return bool(left == right)


def _order(op: str, left: Any, right: Any) -> bool:
    comparable = (_is_number(left) and _is_number(right)) or (
        type(left) is type(right) and isinstance(left, (str, bool))
    )
    if not comparable:
        raise EvalError("no such overload")
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left >= right)


def _relation(op: str, left: Evaluator, right: Evaluator) -> Evaluator:
    if op == "==":
        return lambda env: _equal(left(env), right(env))
    if op == "!=":
        return lambda env: not _equal(left(env), right(env))
    if op == "in":

        def member(env: Env) -> bool:
            a, b = left(env), right(env)
            if isinstance(b, list):
                return any(_equal(a, item) for item in b)
            if isinstance(b, dict):
                return any(_equal(a, key) for key in b)
            raise EvalError("no such overload")

        return member
    return lambda env: _order(op, left(env), right(env))


def _outcome(node: Evaluator, env: Env) -> tuple[bool, Any]:
    try:
        return True, node(env)
    except EvalError as exc:
        return False, exc


def _logical(left: Evaluator, right: Evaluator, decides: bool) -> Evaluator:
    """``&&`` (``decides`` False) or ``||`` (True): a side equal to ``decides`` settles it,
    even when the other side is an error; otherwise both must be booleans."""

    def combine(env: Env) -> bool:
        ok, value = _outcome(left, env)
        if ok and value is decides:
            return settled
        if ok and value is (not decides):
            result = right(env)
            if not isinstance(result, bool):
                raise EvalError("no such overload")
            return result
        ok, other = _outcome(right, env)
        if ok and other is decides:
            return settled
        raise EvalError("no such overload")

    settled: bool = decides
    return combine


def _not(operand: Evaluator) -> Evaluator:
    def negate(env: Env) -> bool:
        value = operand(env)
        if not isinstance(value, bool):
            raise EvalError("no such overload")
        return not value

    return negate


def _call(name: str, function: Callable[..., Any], arguments: list[Evaluator]) -> Evaluator:
    """A profile function; its failure is worded as the engine path words it (``name: why``)."""
    if len(arguments) == 1:
        (only,) = arguments

        def call_one(env: Env) -> Any:
            value = only(env)
            try:
                return function(value)
            except Exception as exc:  # a helper that fails: the rule cannot be evaluated
                raise EvalError(f"{name}: {exc}") from None

        return call_one
    if len(arguments) == 2:
        first, second = arguments

        def call_two(env: Env) -> Any:
            a, b = first(env), second(env)
            try:
                return function(a, b)
            except Exception as exc:  # a helper that fails: the rule cannot be evaluated
                raise EvalError(f"{name}: {exc}") from None

        return call_two

    def call(env: Env) -> Any:
        values = [argument(env) for argument in arguments]
        try:
            return function(*values)
        except Exception as exc:  # a helper that fails: the rule cannot be evaluated
            raise EvalError(f"{name}: {exc}") from None

    return call


def _macro(kind: str, target: Evaluator, variable: str, body: Evaluator) -> Evaluator:
    def run(env: Env) -> bool:
        items = target(env)
        if isinstance(items, dict):
            items = list(items)
        if not isinstance(items, list):
            raise EvalError("no such overload")
        budget = env.get(BUDGET)
        if budget is not None:  # charged up front: an upper bound of the steps it may take
            budget[0] -= len(items)
            if budget[0] < 0:
                raise EvalError(
                    f"over the evaluation budget of {MAX_STEPS:,} steps (a macro nested over "
                    "a large list: the rule's cost grows faster than the message)"
                )
        count = 0
        for item in items:
            result = body({**env, variable: item})
            if not isinstance(result, bool):
                raise EvalError("no such overload")
            if kind == "all" and not result:
                return False
            if kind == "exists" and result:
                return True
            count += result
        if kind == "all":
            return True
        if kind == "exists":
            return False
        return count == 1

    return run


def compile_native(expression: str, functions: dict[str, Callable[..., Any]]) -> Evaluator:
    """A closure ``env -> value`` for the expression; ``Unsupported`` when outside the subset."""
    return compile_tree(parse(expression), functions)


def compile_tree(node: Node, functions: dict[str, Callable[..., Any]]) -> Evaluator:
    """A closure ``env -> value`` for a parsed rule (``Unsupported``: an unknown function)."""

    def build(node: Node) -> Evaluator:
        match node:
            case Constant(value=value):
                return lambda env: value
            case ListOf(items=items):
                built = [build(item) for item in items]
                return lambda env: [item(env) for item in built]
            case Name(name="self"):
                return lambda env: env["self"]
            case Name(name=name):
                return lambda env: _lookup(env, name)
            case Field(target=target, name=name):
                return _field(build(target), name)
            case Has(root=root, names=names):
                return _has(root, names)
            case Call(function=name, arguments=arguments):
                function = functions.get(name)
                if function is None:
                    raise Unsupported(f"function {name}")
                return _call(name, function, [build(a) for a in arguments])
            case Macro(kind=kind, target=target, variable=variable, body=body):
                return _macro(kind, build(target), variable, build(body))
            case Not(operand=operand):
                return _not(build(operand))
            case Logical(op=op, left=left, right=right):
                return _logical(build(left), build(right), decides=op == "||")
            case Relation(op=op, left=left, right=right):
                return _relation(op, build(left), build(right))
        raise Unsupported(f"node {node!r}")

    return build(node)


def _has(root: str, names: tuple[str, ...]) -> Evaluator:
    """``has(a.b.c)``: whether ``c`` is a key of the map ``a.b``."""
    parent: Evaluator = lambda env: _lookup(env, root)  # noqa: E731
    for name in names[:-1]:
        parent = _field(parent, name)
    last = names[-1]

    def has(env: Env) -> bool:
        value = parent(env)
        if not isinstance(value, dict):
            raise EvalError("has() on a value that is not a map")
        return last in value

    return has
