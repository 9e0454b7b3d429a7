"""Three analyses of beta.gouv.fr's community notebook, from the content instead of the API.

The repository's ``community.ipynb`` fetches the public API (v2.6) into pandas and takes
each product's phase as the one with the latest start. Here the same tables come from
a content folder (or, with ``--git``, from a commit of the repository's history):

1. products per incubator, leaving out the ended ones (phase ``alumni``);
2. products per theme (``thematiques``), also leaving out the ended ones;
3. incubator x phase, every product.

Run it on a content folder (repository root, ``content/`` or a collection folder)::

    python examples/notebook.py PATH [--at YYYY-MM-DD]
    python examples/notebook.py --git REPO [--known-at YYYY-MM-DD]

Without PATH it reads ``$BETAGOUV_SHARED_DATA/betagouv-content/2025-12-31``. Each table
is checked against the portfolio's own snapshot before it is printed, so a wrong
table stops the script with an error.
"""

from __future__ import annotations

import argparse
import os
import sys

import pandas as pd

import betagouv

# The notebook's phase order (its `phases` list), ended ones last.
PHASES = ["investigation", "construction", "acceleration", "transfer", "success", "alumni"]
ENDED = "alumni"


def read(args: argparse.Namespace) -> betagouv.Portfolio:
    if args.git:
        return betagouv.read_git(args.git, known_at=args.known_at)
    path = args.path
    if path is None:
        shared = os.environ.get("BETAGOUV_SHARED_DATA")
        if not shared:
            sys.exit("give a content folder, or set BETAGOUV_SHARED_DATA")
        path = os.path.join(shared, "betagouv-content", "2025-12-31")
    return betagouv.read_content(path, at=args.at)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", help="content folder")
    parser.add_argument("--at", help="date of the phases (YYYY-MM-DD); default today")
    parser.add_argument("--git", help="read a commit of this repository instead")
    parser.add_argument("--known-at", help="with --git: the repository as it stood that day")
    args = parser.parse_args()

    portfolio = read(args)
    print(portfolio)
    # The notebook's rule: a product's phase is the one with the latest start.
    startups = portfolio.startups(rule="latest-start")
    by_phase = startups["phase"].value_counts()
    snapshot = portfolio.snapshot(rule="latest-start")
    assert by_phase.to_dict() == snapshot["startups"]["by_phase"], "phases differ from the snapshot"

    live = startups[startups["phase"] != ENDED]
    print(f"\n## Products per incubator, without the ended ones ({len(live)} of {len(startups)})")
    per_incubator = live.groupby("incubator", dropna=False).size().sort_values(ascending=False)
    assert per_incubator.sum() == len(startups) - by_phase.get(ENDED, 0)
    print(per_incubator.to_string())

    print("\n## Products per theme, without the ended ones (a product counts in each of its themes)")
    themes = live[["id", "themes"]].explode("themes")
    per_theme = themes["themes"].fillna("(no theme)").value_counts()
    assert per_theme.sum() == sum(max(len(t), 1) for t in live["themes"])
    print(per_theme.to_string())

    print("\n## Incubator x phase, every product")
    phases = [p for p in PHASES if p in by_phase] + sorted(set(by_phase.index) - set(PHASES))
    cross = pd.crosstab(startups["incubator"], startups["phase"]).reindex(columns=phases, fill_value=0)
    assert int(cross.to_numpy().sum()) == snapshot["startups"]["total"]
    assert cross.sum().to_dict() == {p: by_phase[p] for p in phases}
    print(cross.to_string())


if __name__ == "__main__":
    main()
