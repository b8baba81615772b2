"""What every sandbox handler needs to answer: a valid body of a schema, the request body
within its bound, and the trace the ``stack-trace`` fault leaks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request

if TYPE_CHECKING:
    from interopcheck.checks.schema import SchemaChecker

MAX_BODY = 16 * 1024 * 1024


def valid_body(checker: SchemaChecker, name: str) -> list[Any]:
    """One valid body of schema ``name``, generated (a list of it, since null is a body
    too), or none when there is no such schema or none was made (``SetupError`` when the
    generator cannot start)."""
    from interopcheck.generation.cases import CaseGenerator

    entry = checker.catalog.find(name)
    if entry is None:
        return []
    cases = CaseGenerator(checker.fixed_to(entry), entry, seed=0).valid(1).cases
    return [c.value for c in cases[:1]]


def own_shape(checker: SchemaChecker, name: str) -> Any | None:
    """One valid body of schema ``name`` when it is the API's own (not the standard's
    receipt or problem, which the sandbox fills in itself); None otherwise."""
    if name in ("", "receipt", "problem"):
        return None
    made = valid_body(checker, name)
    return made[0] if made else None


async def bounded_body(request: Request) -> bytes | None:
    """The request body, or None past ``MAX_BODY`` (read no further than that: a client
    announcing or sending a gigabyte costs the sandbox 16 MiB at most)."""
    announced = request.headers.get("content-length", "")
    if announced.isdigit() and int(announced) > MAX_BODY:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


#: What the stack-trace fault leaks (a realistic Python one; a prober looks for such text).
TRACE = """Internal Server Error
Traceback (most recent call last):
  File "/srv/agency/app/handlers.py", line 212, in receive_message
    record = repository.save(parse(payload))
  File "/srv/agency/app/repository.py", line 88, in save
    raise IntegrityError("duplicate key value violates unique constraint")
sqlalchemy.exc.IntegrityError: duplicate key value violates unique constraint "defendant_pkey"
"""
