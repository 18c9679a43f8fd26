"""Where the tests find IOM's reference material kept outside the repository (the HTCDS v2.0 templates, the IATI
2.03 schema): the shared directory, ``$CTMONITOR_SHARED_DIR`` if set, else ``shared`` beside the clone (as CI lays
them out). A test that needs a file missing from it fails, saying which file and how to point at the directory:
a reference that is not there must never let a test pass unseen."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

VARIABLE = "CTMONITOR_SHARED_DIR"
REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """The shared directory, whether or not it exists: a clone made elsewhere from a local repository finds
    the one beside that repository (as ``.ci/run`` does)."""
    configured = os.environ.get(VARIABLE)
    if configured:
        return Path(configured).expanduser().resolve()
    beside = REPO.parent / "shared"
    if not beside.exists():
        origin = subprocess.run(
            ["git", "config", "--get", "remote.origin.url"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if origin and (Path(origin).parent / "shared" / "reference").is_dir():
            return (Path(origin).parent / "shared").resolve()
    return beside


def where() -> str:
    """Where the shared directory was looked for, and why there."""
    if os.environ.get(VARIABLE):
        return f"{shared_dir()} (from {VARIABLE})"
    return f"{shared_dir()} (beside the clone or the repository it was cloned from; {VARIABLE} is not set)"


def missing(path: Path) -> str:
    """What is missing and how to point the tests at the shared directory."""
    return (
        f"IOM's reference material is missing: {path} does not exist. The shared directory is {where()}; "
        f"set {VARIABLE}=/path/to/shared (the directory holding reference/) to run the tests from elsewhere."
    )


def reference(*parts: str) -> Path:
    """The path of ``reference/<parts>`` in the shared directory; fails the calling test if it is missing."""
    path = shared_dir().joinpath("reference", *parts)
    if not path.exists():
        pytest.fail(missing(path), pytrace=False)
    return path


# IOM's HTCDS v2.0 templates, both variants
HTCDS_WITH_VALIDATION = "HTCDS Excel Spreadsheet single select with validation v2.0.xlsx"
HTCDS_PLAIN = "HTCDS Excel Spreadsheet v2.0.xlsx"


def htcds_template(variant: str) -> Path:
    """One of IOM's HTCDS v2.0 templates (``HTCDS_PLAIN`` or ``HTCDS_WITH_VALIDATION``)."""
    return reference("htcds-2.0", variant)


def iati_schema() -> Path:
    """The IATI 2.03 activities schema (it includes its neighbours iati-common.xsd and xml.xsd)."""
    return reference("iati-2.03", "iati-activities-schema.xsd")
