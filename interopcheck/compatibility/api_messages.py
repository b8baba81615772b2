"""compat of two profiles sourced from API documents: their message schemas, compared as two
versions' schemas are.

Two such profiles can hold the same requirements word for word while their API documents
differ (an enum value removed from a request body): comparing requirements alone said "yes".
Here each message type the two APIs share is decided as ``compat`` decides two schema files
(a proof, or a counterexample the validators confirm, or "unknown"); a message type one API has
and the other has not is a "no" in the direction that lacks it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from interopcheck.compatibility.compare import decide_both
from interopcheck.profile.model import Profile
from interopcheck.standard.catalog import Catalog, SchemaEntry


@dataclass
class MessageVerdicts:
    """Per direction: why it is broken, and what could not be decided."""

    broken: dict[str, list[str]] = field(default_factory=dict)
    unsure: dict[str, list[str]] = field(default_factory=dict)

    def add(self, direction: str, verdict: str, reason: str) -> None:
        if verdict == "no":
            self.broken.setdefault(direction, []).append(reason)
        elif verdict != "yes":
            self.unsure.setdefault(direction, []).append(reason)


def _messages(profile: Profile) -> dict[str, SchemaEntry]:
    schemas = profile.api.schemas if profile.api is not None else ()
    return {e.message_type: e for e in schemas if isinstance(e, SchemaEntry) and e.message_type}


def compare_messages(
    old: Profile, new: Profile, directions: tuple[str, ...], tries: int, seed: int
) -> MessageVerdicts:
    """Every API message type of the two profiles, in the directions asked (backward: NEW
    accepts every payload OLD accepted; forward: OLD accepts every payload NEW accepts)."""
    verdicts = MessageVerdicts()
    before, after = _messages(old), _messages(new)
    if not before and not after:
        return verdicts
    labels = {"old": f"{old.id} {old.version}", "new": f"{new.id} {new.version}"}
    # one catalog for both: the new API's message schemas under their own URIs where the old
    # one's have the same name for other content (two files called openapi.yaml)
    old_entries = list(old.api.schemas) if old.api is not None else []
    renamed: dict[str, str] = {}
    new_entries = []
    held = {e.uri: e.document for e in old_entries}
    for entry in list(new.api.schemas) if new.api is not None else []:
        if entry.uri in held and held[entry.uri] != entry.document:
            renamed[entry.uri] = f"{entry.uri}:new"
            document = entry.document
            if document.get("$id") == entry.uri:  # the id it declares, renamed with it
                document = {**document, "$id": renamed[entry.uri]}
            entry = replace(entry, uri=renamed[entry.uri], document=document)
        new_entries.append(entry)
    catalog = Catalog.bundled()
    catalog.add_entries([*old_entries, *new_entries])
    after = {e.message_type: e for e in new_entries if e.message_type}
    for message_type in sorted(before.keys() | after.keys()):
        if message_type not in after:
            verdicts.add("backward", "no", f"{message_type}: removed from {labels['new']}")
            continue
        if message_type not in before:
            verdicts.add("forward", "no", f"{message_type}: added in {labels['new']}")
            continue
        entries = {"old": before[message_type], "new": after[message_type]}
        rng = random.Random(f"{seed}:{message_type}")
        for name, decided in decide_both(catalog, entries, labels, directions, tries, rng).items():
            cover, covered = ("new", "old") if name == "backward" else ("old", "new")
            if decided.verdict == "no":
                where = f" ({decided.rejection})" if decided.rejection else ""
                said = f"{message_type}: a payload {labels[covered]} accepts, {labels[cover]}"
                verdicts.add(name, "no", f"{said} rejects{where}")
            elif decided.verdict != "yes":
                verdicts.add(name, decided.verdict, f"{message_type}: not proven either way")
    return verdicts
