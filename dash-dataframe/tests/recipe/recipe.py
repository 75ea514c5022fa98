"""The backend filtering, sorting and paging recipe of Dash's DataTable documentation, on
pandas, as a Python Dash app would run it: the oracle of dash-dataframe's conformance test
(tests/recipe.rs) where the two grammars overlap.

Reads {"rows": [...], "cases": [{"filter": str, "sort_by": [...], "page_current": int,
"page_size": int}, ...]} on stdin; prints a JSON list with, per case, the ids of the rows of
the page shown.
"""

import json
import sys

import pandas as pd

# The recipe's operators, in the order it tries them: the word form, then the symbol form.
OPERATORS = [
    ("ge ", ">="),
    ("le ", "<="),
    ("lt ", "<"),
    ("gt ", ">"),
    ("ne ", "!="),
    ("eq ", "="),
    ("contains ",),
    ("datestartswith ",),
]


def split_clause(clause):
    """(column, operator word, value) of one `{column} op value` clause."""
    for forms in OPERATORS:
        for form in forms:
            if form not in clause:
                continue
            left, right = clause.split(form, 1)
            column = left[left.find("{") + 1 : left.rfind("}")]
            text = right.strip()
            quote = text[:1]
            if text and quote == text[-1] and quote in ("'", '"', "`"):
                value = text[1:-1].replace("\\" + quote, quote)
            else:
                try:
                    value = float(text)
                except ValueError:
                    value = text
            return column, forms[0].strip(), value
    return None, None, None


def page(frame, case):
    for clause in filter(None, case["filter"].split(" && ")):
        column, operator, value = split_clause(clause)
        if operator in ("eq", "ne", "lt", "le", "gt", "ge"):
            frame = frame.loc[getattr(frame[column], operator)(value)]
        elif operator == "contains":
            frame = frame.loc[frame[column].str.contains(value, regex=False)]
        elif operator == "datestartswith":
            frame = frame.loc[frame[column].str.startswith(value)]
    if case["sort_by"]:
        frame = frame.sort_values(
            [s["column_id"] for s in case["sort_by"]],
            ascending=[s["direction"] == "asc" for s in case["sort_by"]],
            inplace=False,
            kind="stable",
        )
    start = case["page_current"] * case["page_size"]
    return [int(i) for i in frame.iloc[start : start + case["page_size"]]["id"]]


def main():
    request = json.load(sys.stdin)
    frame = pd.DataFrame(request["rows"])
    json.dump([page(frame, case) for case in request["cases"]], sys.stdout)


if __name__ == "__main__":
    main()
