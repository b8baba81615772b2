"""The one reading of a rule's CEL text: a syntax tree of the subset profile rules use.

``parse`` turns the text into a tree (``Unsupported`` outside the subset: then only the CEL
engine reads the rule). Everything else reads the tree, never the text: ``cel_native`` compiles
it into closures, ``reads`` finds the fields of ``self`` it reads (the projection the engine is
handed), and ``wanted_codes`` and ``ordered_dates`` find what the generator should honour
(a code from a list at a field; one date not after another). Imports nothing of ours.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

MacroKind = Literal["all", "exists", "exists_one"]
RelationOp = Literal["==", "!=", "<", "<=", ">", ">=", "in"]


class Unsupported(Exception):
    """The expression uses something this subset does not implement: use the engine."""


@dataclass(frozen=True)
class Constant:
    value: Any


@dataclass(frozen=True)
class ListOf:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Field:
    target: Node
    name: str


@dataclass(frozen=True)
class Has:
    """``has(root.a.b)``: whether ``b`` is a key of the map ``root.a``."""

    root: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Call:
    function: str
    arguments: tuple[Node, ...]


@dataclass(frozen=True)
class Macro:
    kind: MacroKind
    target: Node
    variable: str
    body: Node


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class Logical:
    op: Literal["&&", "||"]
    left: Node
    right: Node


@dataclass(frozen=True)
class Relation:
    op: RelationOp
    left: Node
    right: Node


Node: TypeAlias = Constant | ListOf | Name | Field | Has | Call | Macro | Not | Logical | Relation

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<op>&&|\|\||==|!=|<=|>=|[<>!().,\[\]])|(?P<name>[A-Za-z_][A-Za-z0-9_]*))"
)
_MACROS: tuple[MacroKind, ...] = ("all", "exists", "exists_one")
_RELATIONS: tuple[RelationOp, ...] = ("==", "!=", "<", "<=", ">", ">=", "in")


def tokenize(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise Unsupported(f"cannot read {text[position : position + 10]!r}")
        kind = match.lastgroup
        assert kind is not None
        value = match.group(kind)
        if kind == "str" and "\\" in value:
            raise Unsupported("escapes in string literals")
        found.append((kind, value))
        position = match.end()
    return found


def parse(text: str) -> Node:
    """The syntax tree of a rule (``Unsupported`` when it is outside the subset). Callers
    refuse over-deep text first (cel_env's ``MAX_RULE_DEPTH``): the parser recurses."""
    return _Parser(text).parse()


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise Unsupported(f"expected {value or 'more'}")
        self.at += 1
        return token

    def parse(self) -> Node:
        node = self.disjunction()
        if self.peek() is not None:
            raise Unsupported("trailing text")
        return node

    def disjunction(self) -> Node:
        node = self.conjunction()
        while self.peek() == ("op", "||"):
            self.take()
            node = Logical("||", node, self.conjunction())
        return node

    def conjunction(self) -> Node:
        node = self.relation()
        while self.peek() == ("op", "&&"):
            self.take()
            node = Logical("&&", node, self.relation())
        return node

    def relation(self) -> Node:
        node = self.unary()
        token = self.peek()
        op = next((r for r in _RELATIONS if token is not None and token[1] == r), None)
        if op is not None:
            self.take()
            node = Relation(op, node, self.unary())
            following = self.peek()
            if following is not None and following[1] in _RELATIONS:
                raise Unsupported("chained relations")
        return node

    def unary(self) -> Node:
        if self.peek() == ("op", "!"):
            self.take()
            return Not(self.unary())
        return self.member()

    def member(self) -> Node:
        node = self.primary()
        while self.peek() == ("op", "."):
            self.take()
            kind, name = self.take()
            if kind != "name":
                raise Unsupported("member name")
            if self.peek() == ("op", "("):
                macro = next((m for m in _MACROS if m == name), None)
                if macro is None:
                    raise Unsupported(f"method {name}")
                self.take("(")
                kind, variable = self.take()
                if kind != "name":
                    raise Unsupported("macro variable")
                self.take(",")
                body = self.disjunction()
                self.take(")")
                node = Macro(macro, node, variable, body)
            else:
                node = Field(node, name)
        return node

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "num":
            if "." in value:
                raise Unsupported("double literals")
            return Constant(int(value))
        if kind == "str":
            return Constant(value[1:-1])
        if value == "(":
            node = self.disjunction()
            self.take(")")
            return node
        if value == "[":
            items: list[Node] = []
            while self.peek() != ("op", "]"):
                items.append(self.disjunction())
                if self.peek() == ("op", ","):
                    self.take()
            self.take("]")
            return ListOf(tuple(items))
        if kind != "name":
            raise Unsupported(f"unexpected {value}")
        if value in ("true", "false"):
            return Constant(value == "true")
        if value == "null":
            return Constant(None)
        if self.peek() == ("op", "("):
            return self.call(value)
        return Name(value)

    def call(self, name: str) -> Node:
        self.take("(")
        if name == "has":
            return self.has()
        arguments: list[Node] = []
        while self.peek() != ("op", ")"):
            arguments.append(self.disjunction())
            if self.peek() == ("op", ","):
                self.take()
        self.take(")")
        return Call(name, tuple(arguments))

    def has(self) -> Node:
        kind, root = self.take()
        if kind != "name":
            raise Unsupported("has() of an expression")
        names: list[str] = []
        while self.peek() == ("op", "."):
            self.take()
            kind, name = self.take()
            if kind != "name":
                raise Unsupported("has() member")
            names.append(name)
        if not names:
            raise Unsupported("has() without a field")
        self.take(")")
        return Has(root, tuple(names))


# -- readings of the tree ---------------------------------------------------------------------

#: A path of fields below ``self``; ``*`` stands for every item of a list.
FieldPath = tuple[str, ...]


def chain(node: Node, bound: dict[str, FieldPath]) -> FieldPath | None:
    """The field path a member chain reads (``self.a.b`` -> ``(a, b)``; a macro variable
    stands for every item of what it ranges over), or None when it starts elsewhere."""
    fields: list[str] = []
    while isinstance(node, Field):
        fields.append(node.name)
        node = node.target
    if isinstance(node, Name) and node.name in bound:
        return (*bound[node.name], *reversed(fields))
    return None


def reads(tree: Node) -> list[FieldPath] | None:
    """Every field path of ``self`` the rule reads, or None when it reads ``self`` whole."""
    found: list[FieldPath] = []

    def visit(node: Node, bound: dict[str, FieldPath]) -> bool:
        if isinstance(node, Field | Name):
            path = chain(node, bound)
            if path is not None:
                if not path and isinstance(node, Name) and node.name == "self":
                    return False  # self itself, not a field of it
                found.append(path)
                return True
            return not isinstance(node, Field) or visit(node.target, bound)
        if isinstance(node, Has):
            if node.root in bound:
                found.append((*bound[node.root], *node.names))
            return True
        if isinstance(node, Macro):
            over = chain(node.target, bound)
            if over is None:
                return visit(node.target, bound) and visit(node.body, bound)
            # what it ranges over is read item by item (every key, for a map), whatever the
            # body reads of each
            found.append((*over, "*"))
            return visit(node.body, {**bound, node.variable: (*over, "*")})
        return all(visit(child, bound) for child in children(node))

    return found if visit(tree, {"self": ()}) else None


def children(node: Node) -> tuple[Node, ...]:
    """The direct subexpressions of a node."""
    match node:
        case ListOf(items=items):
            return items
        case Field(target=target):
            return (target,)
        case Call(arguments=arguments):
            return arguments
        case Macro(target=target, body=body):
            return (target, body)
        case Not(operand=operand):
            return (operand,)
        case Logical(left=left, right=right) | Relation(left=left, right=right):
            return (left, right)
    return ()


def _affirmed(tree: Node) -> Iterator[Node]:
    """Every node not under a ``!`` (what the rule asserts rather than denies), in the order
    of the text."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Not):
            continue
        yield node
        stack.extend(reversed(children(node)))


def wanted_codes(tree: Node) -> list[tuple[str, FieldPath]]:
    """``inCodelist('list', self.a.b)`` not under a ``!``: (list, path) for each, a code the
    rule wants at that field."""
    found = []
    for node in _affirmed(tree):
        if isinstance(node, Call) and node.function == "inCodelist" and len(node.arguments) == 2:
            listed, where = node.arguments
            path = chain(where, {"self": ()})
            if isinstance(listed, Constant) and isinstance(listed.value, str) and path:
                found.append((listed.value, path))
    return found


def ordered_dates(tree: Node) -> list[tuple[FieldPath, FieldPath]]:
    """``day(self.a) <= day(self.b)`` (or ``instant``) anywhere in the rule: (a, b) for each,
    a date the rule wants not after another."""
    found = []

    def dated(node: Node) -> FieldPath | None:
        if isinstance(node, Call) and node.function in ("day", "instant") and node.arguments:
            return chain(node.arguments[0], {"self": ()}) or None
        return None

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Relation) and node.op == "<=":
            earlier, later = dated(node.left), dated(node.right)
            if earlier and later:
                found.append((earlier, later))
        stack.extend(reversed(children(node)))  # in the order of the text
    return found
