"""Which KoboToolbox or ODK submission each row of an export is, across edits and exports.

An edited submission is the same submission: counted once, its values the edit's. KoboToolbox gives an edit a
new ``_uuid`` and ``meta/instanceID`` and keeps ``meta/rootUuid``; ODK Central keeps the original instance id
in its export's ``KEY`` column, while ``meta-instanceID`` is the edit's own and ``meta-deprecatedID`` (when the
form has it) the instance id the edit replaced. A row's submission is, in that order: its root uuid; its
``KEY``; the first instance id of its chain of ``deprecatedID`` within the export; its instance id; its
``_uuid``. A row replaced by an edit later in the same export (its instance id is another row's
``deprecatedID``) is left out. Ids are written ``uuid:…`` whichever way the export writes them.

The submission is a row's key on re-upload when it has no reference of its own (a Reference, a case code):
``fill_references`` puts it there for activity rows; a case's key is chosen by ``case_rules.Pseudonym``.
"""

from __future__ import annotations

from collections import defaultdict

from importers.matching import key
from importers.table import Batch

SUBMISSION = "submission"  # the batch column holding each row's submission id (never a model column)
PREFIX = "uuid:"
_ROLES = {
    "root": ("meta/rootUuid", "rootUuid"),
    "key": ("KEY",),
    "instance": ("meta/instanceID", "instanceID"),
    "deprecated": ("meta/deprecatedID", "deprecatedID"),
    "uuid": ("_uuid",),
}
ROLE_OF = {key(header): role for role, headers in _ROLES.items() for header in headers}
PREFERRED = ("root", "key", "instance", "uuid")  # whose column a problem about the key names


def role(header) -> str | None:
    """What a metadata header says of the submission (``root``, ``key``, ``instance``, ``deprecated``,
    ``uuid``), or None; "case-meta-instanceID" and "meta/instanceID" alike."""
    if not isinstance(header, str):
        return None
    return ROLE_OF.get(key(header))


def normalised(value) -> str | None:
    """``uuid:<id>`` from ``uuid:<id>`` or a bare ``<id>``; None for a blank cell."""
    if value is None or value.__class__ not in (str, int, float):
        return None
    text = str(value).strip()
    if not text:
        return None
    bare = text[len(PREFIX) :].strip() if text.lower().startswith(PREFIX) else text
    return PREFIX + bare[:70] if bare else None


def identify(positions: dict[str, int], rows: list[list]) -> tuple[list[str | None], set[int]]:
    """Each row's submission id (None where the export says nothing), and the offsets of rows an edit later
    in the export replaces."""

    def column(name: str) -> list[str | None]:
        at = positions.get(name)
        if at is None:
            return [None] * len(rows)
        return [normalised(row[at]) if at < len(row) else None for row in rows]

    roots, keys, instances, deprecated, uuids = (
        column(name) for name in ("root", "key", "instance", "deprecated", "uuid")
    )
    instances = [own or bare for own, bare in zip(instances, uuids)]
    replaced_ids = {d for d in deprecated if d}
    previous = {own: old for own, old in zip(instances, deprecated) if own and old}
    ids: list[str | None] = []
    for root, central, own, old in zip(roots, keys, instances, deprecated):
        found = root or central
        if found is None and old:
            found, seen = old, {own}
            while (
                found in previous and found not in seen
            ):  # an earlier edit of the chain is in the export too
                seen.add(found)
                found = previous[found]
        ids.append(found or own)
    replaced = {i for i, own in enumerate(instances) if own and own in replaced_ids}
    return ids, replaced


def fill_references(batch: Batch) -> None:
    """An activity row without a reference is keyed by its submission (case rows choose their own key)."""
    ids = batch.columns.get(SUBMISSION)
    if not ids or batch.layout.sensitive:
        return
    references = batch.columns["reference"]
    filled = False
    for i, submission in enumerate(ids):
        if references[i] is None and submission is not None:
            references[i] = submission
            filled = True
    if filled and "reference" not in batch.letters and SUBMISSION in batch.letters:
        batch.letters["reference"] = batch.letters[SUBMISSION]


def is_submission(reference) -> bool:
    return isinstance(reference, str) and reference.startswith(PREFIX)


class Unkeyed:
    """Stored rows without a reference by (programme, row hash), each taken once: a row keyed by its submission
    that was stored before submissions keyed rows is its identical stored row, which it then keys."""

    def __init__(self, stored) -> None:
        self.rows: dict[tuple, list] = defaultdict(list)
        for row in stored:
            if row.reference is None:
                self.rows[(row.programme_id, row.row_hash)].append(row)

    def take(self, programme_id: int, digest: str):
        rows = self.rows.get((programme_id, digest))
        return rows.pop() if rows else None
